package io.scopeenforcer.servlet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A web app directory as a user ships it: {@code WEB-INF/web.xml} (Servlet 6.0 schema) declaring the filter by class
 * name with its {@code <init-param>}s for {@code /*}, the {@code <context-param>}s, and
 * {@link FilterServer.EchoServlet} behind it. The container parses it: nothing about the filter is registered programmatically.
 */
final class WebXml {

    /** The filter's name in {@code web.xml}. */
    static final String FILTER_NAME = "scope-enforcer";

    private WebXml() {
    }

    /** Writes {@code dir/WEB-INF/web.xml} for this deployment and returns {@code dir}. */
    static Path writeWebApp(Path dir, FilterContainer.Deployment deployment) {
        try {
            Path webInf = Files.createDirectories(dir.resolve("WEB-INF"));
            Files.writeString(webInf.resolve("web.xml"), text(deployment), StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The descriptor. {@code metadata-complete} and an empty {@code <absolute-ordering/>}: no annotation or
     * web-fragment scanning of the test class path, which only slows the start and declares nothing here.
     */
    static String text(FilterContainer.Deployment deployment) {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd"
                         version="6.0" metadata-complete="true">
                  <absolute-ordering/>
                """);
        // Sorted, so that a failure shows the same descriptor every run.
        new TreeMap<>(deployment.contextParams()).forEach((name, value) -> xml.append("  <context-param>\n")
                .append(param(name, value, "    ")).append("  </context-param>\n"));
        xml.append("  <filter>\n")
                .append("    <filter-name>").append(FILTER_NAME).append("</filter-name>\n")
                .append("    <filter-class>").append(ScopeEnforcementFilter.class.getName())
                .append("</filter-class>\n");
        new TreeMap<>(deployment.initParams()).forEach((name, value) -> xml.append("    <init-param>\n")
                .append(param(name, value, "      ")).append("    </init-param>\n"));
        xml.append("  </filter>\n  <filter-mapping>\n    <filter-name>").append(FILTER_NAME).append("</filter-name>\n")
                .append("""
                    <url-pattern>/*</url-pattern>
                  </filter-mapping>
                  <servlet>
                    <servlet-name>echo</servlet-name>
                """)
                .append("    <servlet-class>").append(FilterServer.EchoServlet.class.getName())
                .append("</servlet-class>\n")
                .append("""
                  </servlet>
                  <servlet-mapping>
                    <servlet-name>echo</servlet-name>
                    <url-pattern>/*</url-pattern>
                  </servlet-mapping>
                </web-app>
                """);
        return xml.toString();
    }

    private static String param(String name, String value, String indent) {
        return indent + "<param-name>" + escape(name) + "</param-name>\n" + indent + "<param-value>" + escape(value)
                + "</param-value>\n";
    }

    /** XML 1.0 §2.4: {@code <} and {@code &} never appear raw in character data; quotes for symmetry. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Deletes a directory tree, as far as it exists. */
    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
