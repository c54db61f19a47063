package dev.latchkey.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.remote.http.ClientConfig;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.latchkey.server.PagesFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The hosted pages in a real headless Chromium, driven through chromedriver: a user opens the
 * mailed link, presses the button or fills in the form, and then logs in over HTTP.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them).
 * Without them these tests fail and say so, unless {@value #SKIP_ENV}{@code =true} allows
 * skipping: a missing browser must not quietly turn the only test of what a browser does with the
 * pages (the policy headers, the form posts, {@code Origin: null}) into a pass.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HostedPagesBrowserTest {
    static final String SKIP_ENV = "LATCHKEY_SKIP_BROWSER_TESTS";
    private static final Path CHROMIUM = Path.of(envOr("LATCHKEY_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(envOr("LATCHKEY_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String NEW_PASSWORD = "a much better password";

    @TempDir
    static Path data;
    static PagesFixture pages;

    @TempDir
    Path profile;
    ChromeDriverService service;
    WebDriver driver;

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @BeforeAll
    static void requireChromiumAndStartServer() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String message = "the hosted-page browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": install them (Debian: apt-get install -y chromium chromium-driver; .ci/run does), point"
                    + " LATCHKEY_CHROMIUM / LATCHKEY_CHROMEDRIVER at them, or set " + SKIP_ENV + "=true to skip these tests";
            if ("true".equalsIgnoreCase(System.getenv(SKIP_ENV))) {
                Assumptions.abort(message);
            }
            fail(message);
        }
        pages = PagesFixture.start(data);
    }

    @AfterAll
    static void stopServer() {
        if (pages != null) {
            pages.close();
        }
    }

    @BeforeEach
    void openBrowser() {
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Chromium as root (CI containers) needs --no-sandbox; the rest keeps it from calling home or
        // touching state outside its fresh profile.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        options.setPageLoadTimeout(WAIT);
        options.setScriptTimeout(WAIT);
        options.setImplicitWaitTimeout(Duration.ZERO);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ClientConfig client = ClientConfig.defaultConfig().connectionTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(60));
        try {
            driver = new ChromeDriver(service, options, client);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    @AfterEach
    void quitBrowser() {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            service.stop();
        }
    }

    private String heading() {
        return driver.findElement(By.tagName("h1")).getText();
    }

    private void waitForHeading(String text) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBe(By.tagName("h1"), text));
    }

    private void assertThePolicyLetOurStyleApplyAndBlockedNothing() {
        Object maxWidth = ((JavascriptExecutor) driver).executeScript("return getComputedStyle(document.body).maxWidth");
        assertThat(maxWidth).as("the inline style applies under the CSP hash").isEqualTo("512px");
        List<LogEntry> console = driver.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(console).noneMatch(e -> e.getMessage().contains("Content Security Policy"));
    }

    @Test
    void confirmation_openTheLinkPressTheButton_thenLogInWorks_andTheUsedLinkSaysSo() throws Exception {
        String email = PagesFixture.newEmail();
        String link = pages.registerAndGetConfirmationLink(email);

        driver.get(link);
        assertThat(heading()).isEqualTo("Confirm your email address");
        assertThePolicyLetOurStyleApplyAndBlockedNothing();
        assertThat(pages.logInStatus(email, PASSWORD)).as("opening the link confirms nothing").isEqualTo(401);

        driver.findElement(By.id("confirm")).click();
        waitForHeading("Email address confirmed");
        assertThat(driver.getCurrentUrl()).as("the token left the address bar").isEqualTo(pages.confirmPage());
        assertThePolicyLetOurStyleApplyAndBlockedNothing();
        assertThat(pages.logInStatus(email, PASSWORD)).isEqualTo(200);

        driver.get(link);
        driver.findElement(By.id("confirm")).click();
        waitForHeading(HostedPages.USED_TITLE);
        assertThat(driver.findElements(By.tagName("form"))).isEmpty();
    }

    @Test
    void reset_tooShortShowsWhy_mismatchShowsWhy_thenTheNewPasswordWorks_andTheUsedLinkSaysSo() throws Exception {
        String email = pages.confirmedAccount();
        String link = pages.sendResetAndGetLink(email);

        driver.get(link);
        assertThat(heading()).isEqualTo("Choose a new password");
        assertThePolicyLetOurStyleApplyAndBlockedNothing();

        submitPasswords("short", "short");
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBe(By.id("error"), "A password needs at least 8 characters."));

        submitPasswords(NEW_PASSWORD, NEW_PASSWORD + "!");
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("error"),
                "The two passwords are not the same"));
        assertThat(pages.logInStatus(email, PASSWORD)).as("refused attempts change nothing").isEqualTo(200);

        submitPasswords(NEW_PASSWORD, NEW_PASSWORD);
        waitForHeading("Password changed");
        assertThat(driver.getPageSource()).doesNotContain(NEW_PASSWORD);
        assertThat(pages.logInStatus(email, NEW_PASSWORD)).isEqualTo(200);
        assertThat(pages.logInStatus(email, PASSWORD)).isEqualTo(401);

        driver.get(link);
        submitPasswords("yet another password", "yet another password");
        waitForHeading(HostedPages.USED_TITLE);
        assertThat(pages.logInStatus(email, NEW_PASSWORD)).isEqualTo(200);
    }

    private void submitPasswords(String password, String again) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(By.id("password")));
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("passwordAgain")).sendKeys(again);
        driver.findElement(By.id("change")).click();
    }
}
