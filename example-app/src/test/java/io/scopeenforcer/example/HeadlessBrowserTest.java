package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import com.nimbusds.jose.util.Base64URL;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser (Debian's headless Chromium, driven by Selenium through {@value #CHROMEDRIVER}) runs the demo:
 * the demo page, the issuer's sign-in and consent pages, the callback. It checks the pages work without
 * JavaScript (scripts are off) on a phone-sized window, and saves a screenshot of each step under
 * {@code target/screenshots/}. It fails, not skips, when the driver is missing: install {@code chromium} and
 * {@code chromium-driver}.
 */
class HeadlessBrowserTest {

    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String CHROMIUM = "/usr/bin/chromium";

    private static WebDriver driver;
    private static Path profile;
    private final Api api = Api.shared();

    @BeforeAll
    static void startBrowser() throws IOException {
        assertTrue(new File(CHROMEDRIVER).canExecute(), CHROMEDRIVER + " is missing: apt-get install chromium chromium-driver");
        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile);
        // Without JavaScript: the pages must work as plain HTML forms.
        options.setExperimentalOption("prefs", java.util.Map.of("profile.managed_default_content_settings.javascript", 2));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        // A phone's viewport.
        driver.manage().window().setSize(new Dimension(390, 844));
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Stream<Arguments> users() {
        return Stream.of(
                // user | title of the last page | text on it
                Arguments.of("alice", "Signed in", List.of("applications:delete", "realms:read",
                        "GET /v1/tenants/acme/realms/prod/applications 200",
                        "GET /v1/tenants/globex/realms/main/applications 403")),
                Arguments.of("dave", "Not signed in", List.of("access_denied")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("users")
    void demoWhenRunInAHeadlessBrowserThenEveryStepRendersAndTheCallbackShowsTheResult(String user, String title,
                                                                                     List<String> texts)
            throws IOException {
        // A fresh sign-in per user: WebDriver deletes the cookies the current page sees, so visit the issuer's
        // path (an error page: no client) first, where its session cookie is in scope.
        driver.get(api.base() + "/oauth2/v1/authorize");
        driver.manage().deleteAllCookies();
        driver.get(api.base() + "/demo");
        assertEquals("Scope Enforcer demo", driver.getTitle());
        shot(user + "-1-demo");
        clickAndWait(By.cssSelector("button[type=submit]"));

        assertEquals("Sign in", driver.getTitle());
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(user + "-password");
        shot(user + "-2-sign-in");
        clickAndWait(By.cssSelector("button[type=submit]"));

        if (driver.getTitle().equals("Allow access?")) {
            shot(user + "-3-consent");
            clickAndWait(By.cssSelector("button[value=allow]"));
        }
        assertEquals(title, driver.getTitle(), driver.getPageSource());
        String text = driver.findElement(By.tagName("body")).getText();
        for (String expected : texts) {
            assertTrue(text.contains(expected), expected + " in " + text);
        }
        shot(user + "-4-result");
    }

    /**
     * The public client {@code paas-cli} as a native app would run it (RFC 8252): a loopback redirect on a port of
     * its own, PKCE S256 (RFC 7636), the browser for sign-in and consent. carol's role holds only
     * {@code paas:analytics::read}; she asks for it and for {@code paas:stack::read}, which her roles do not hold:
     * the consent page drops the second, the token carries the first, and it opens analytics reads and nothing else.
     */
    @org.junit.jupiter.api.Test
    void paasCliWhenCarolSignsInWithPkceThenOnlyAnalyticsReads() throws Exception {
        java.util.concurrent.CompletableFuture<String> query = new java.util.concurrent.CompletableFuture<>();
        com.sun.net.httpserver.HttpServer loopback = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        loopback.createContext("/callback", exchange -> {
            query.complete(exchange.getRequestURI().getRawQuery());
            byte[] page = "<!DOCTYPE html><title>paas-cli</title><p>You may close this window.</p>"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        loopback.start();
        try {
            String redirect = "http://127.0.0.1:" + loopback.getAddress().getPort() + "/callback";
            String verifier = Base64URL.encode(java.security.SecureRandom.getInstanceStrong().generateSeed(32)).toString();
            String challenge = Base64URL.encode(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).toString();
            String analytics = "urn:opc:resource:consumer:paas:analytics::read";
            String stack = "urn:opc:resource:consumer:paas:stack::read";
            driver.get(api.base() + "/oauth2/v1/authorize");
            driver.manage().deleteAllCookies();
            driver.get(api.base() + "/oauth2/v1/authorize?response_type=code&client_id=paas-cli&redirect_uri="
                    + Api.form(redirect) + "&scope=" + Api.form(analytics + " " + stack) + "&state=cli-state"
                    + "&code_challenge=" + challenge + "&code_challenge_method=S256");
            assertEquals("Sign in", driver.getTitle(), driver.getPageSource());
            driver.findElement(By.id("username")).sendKeys("carol");
            driver.findElement(By.id("password")).sendKeys("carol-password");
            clickAndWait(By.cssSelector("button[type=submit]"));
            assertEquals("Allow access?", driver.getTitle(), driver.getPageSource());
            String consent = driver.findElement(By.tagName("body")).getText();
            assertTrue(consent.indexOf(analytics) < consent.indexOf("Dropped") && consent.lastIndexOf(stack) > consent
                    .indexOf("Dropped"), "analytics granted, stack dropped: " + consent);
            shot("carol-3-consent");
            clickAndWait(By.cssSelector("button[value=allow]"));
            assertEquals("paas-cli", driver.getTitle());
            shot("carol-4-loopback");

            Map<String, String> answer = new java.util.HashMap<>();
            for (String pair : query.get(10, java.util.concurrent.TimeUnit.SECONDS).split("&")) {
                int eq = pair.indexOf('=');
                answer.put(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
            assertEquals("cli-state", answer.get("state"));
            assertEquals(api.base().toString().replaceAll("/$", ""), answer.get("iss"), "RFC 9207 iss");
            java.net.http.HttpResponse<String> token = Api.send(java.net.http.HttpRequest.newBuilder(
                    api.base().resolve("/oauth2/v1/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code="
                            + Api.form(answer.get("code")) + "&redirect_uri=" + Api.form(redirect)
                            + "&client_id=paas-cli&code_verifier=" + verifier)));
            assertEquals(200, token.statusCode(), token.body());
            Map<String, Object> granted = Api.json(token);
            assertEquals(analytics, granted.get("scope"), "requested ∩ client-allowed ∩ carol's roles");
            String access = (String) granted.get("access_token");
            assertEquals(200, api.send("GET", "/paas/analytics/reports", access, null).statusCode());
            assertEquals(403, api.send("GET", "/paas/stack/instances", access, null).statusCode());
            assertEquals(403, api.send("POST", "/paas/analytics/reports", access, "{}").statusCode());
        } finally {
            loopback.stop(0);
        }
    }

    /** Clicks and waits until the page the click left is gone: a click returns before the form's answer loads. */
    private static void clickAndWait(By button) {
        WebElement element = driver.findElement(button);
        element.click();
        // Chromium may answer for a node of the page that just went away with an inspector error instead of a
        // stale-element one ("Node with given id does not belong to the document"): both mean the page changed.
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> {
            try {
                element.isEnabled();
                return false;
            } catch (org.openqa.selenium.WebDriverException gone) {
                return true;
            }
        });
    }

    private static void shot(String name) throws IOException {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
