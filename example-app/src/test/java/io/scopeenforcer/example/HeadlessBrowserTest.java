package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
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
import org.openqa.selenium.support.ui.ExpectedConditions;
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
                Arguments.of("alice", "Signed in", List.of("applications:delete", "realms:read")),
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

    /** Clicks and waits until the page the click left is gone: a click returns before the form's answer loads. */
    private static void clickAndWait(By button) {
        WebElement element = driver.findElement(button);
        element.click();
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(ExpectedConditions.stalenessOf(element));
    }

    private static void shot(String name) throws IOException {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
