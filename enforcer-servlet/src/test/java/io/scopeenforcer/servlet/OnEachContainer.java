package io.scopeenforcer.servlet;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the whole test class once per servlet container ({@link FilterContainer#all()}: Jetty 12, then Tomcat 11).
 * The class declares {@code @Parameter FilterContainer container}; its {@link FilterHarness} deploys every declared
 * context on each container, once per class, and hands each invocation that container's {@link FilterServer}.
 *
 * <p>A request the two containers answer differently is recorded per container in the table (the container's own
 * refusal, before any filter); a request both let through must get the same decision from the filter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "{0}")
@MethodSource("io.scopeenforcer.servlet.FilterContainer#all")
@interface OnEachContainer {
}
