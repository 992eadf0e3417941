package io.participantsync.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium for the console's browser tests, driven by Selenium through the OS's chromedriver: Debian's
 * {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them). Nothing is downloaded: the driver
 * executable is given to the service, so Selenium Manager is never asked. Each browser gets its own profile in a
 * temporary folder (deleted on {@link #close()}) and its driver a free port. Without the binaries the test is skipped
 * outside CI and fails in CI ({@code CI=true}).
 *
 * <p>Elements are found by their {@code data-testid}; every wait is on a condition, bounded by {@link #WAIT}.
 */
public final class Browser implements AutoCloseable {

    /** The browser and driver binaries (system properties {@code ps.test.chromium} / {@code ps.test.chromedriver}). */
    public static final Path CHROMIUM = Path.of(System.getProperty("ps.test.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("ps.test.chromedriver",
            "/usr/bin/chromedriver"));
    /** The bound of every wait: generous, since a loaded CI machine can be slow to render. */
    public static final Duration WAIT = Duration.ofSeconds(30);
    /** The window (and screenshot) size. */
    public static final int WIDTH = 1280;
    public static final int HEIGHT = 800;

    // Selenium's CDP bindings are for named Chrome versions and this test uses none of them: no warning that the
    // installed one has none (held here, as java.util.logging only keeps weak references to loggers)
    private static final Logger CDP_VERSION_LOG = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    private final String baseUrl;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path profile, String baseUrl) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
        this.baseUrl = baseUrl;
    }

    /**
     * Starts a headless Chromium whose {@link #open} paths are relative to {@code baseUrl} (e.g.
     * {@code http://127.0.0.1:1234}). Skips the calling test when the binaries are missing outside CI.
     */
    public static Browser start(String baseUrl) {
        requireInstalled();
        Path profile;
        try {
            profile = Files.createTempDirectory("ps-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=" + WIDTH + "," + HEIGHT, "--user-data-dir=" + profile);
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            try {
                // headless Chromium takes room for a (not drawn) toolbar from --window-size: make the page itself,
                // and so every screenshot, exactly WIDTH x HEIGHT (through chromedriver: no CDP version needed)
                driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", WIDTH, "height",
                        HEIGHT, "deviceScaleFactor", 1, "mobile", false));
            } catch (RuntimeException e) {
                driver.quit();
                throw e;
            }
            return new Browser(service, driver, profile, baseUrl.replaceAll("/+$", ""));
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
    }

    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    /** Skips (outside CI) or fails (in CI) the calling test when Chromium or chromedriver is not installed. */
    public static void requireInstalled() {
        List<Path> missing = Stream.of(CHROMIUM, CHROMEDRIVER).filter(p -> !Files.isExecutable(p)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String message = "the browser tests need Debian's chromium and chromium-driver (" + missing
                + " missing): apt-get install chromium chromium-driver (.ci/run does)";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(message + "; they are required in CI");
        }
        Assumptions.abort(message);
    }

    /** The driver, for what the helpers do not cover. */
    public WebDriver driver() {
        return driver;
    }

    /** Loads {@code path} (e.g. {@code /console/}) of the base URL, or an absolute URL as it is. */
    public Browser open(String path) {
        driver.get(path.startsWith("http://") || path.startsWith("https://") ? path : baseUrl + path);
        return this;
    }

    /** Reloads the current page. */
    public Browser reload() {
        driver.navigate().refresh();
        return this;
    }

    /** The current URL's path and query (e.g. {@code /console/batches/b-1}). */
    public String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(baseUrl) ? url.substring(baseUrl.length()) : url;
    }

    /** The locator of the elements with this {@code data-testid}. */
    public static By testId(String id) {
        return By.cssSelector("[data-testid=\"" + id.replace("\"", "\\\"") + "\"]");
    }

    /** Waits until an element with this {@code data-testid} is visible, and returns it. */
    public WebElement find(String testId) {
        return waitUntil("[data-testid=" + testId + "] visible", ExpectedConditions.visibilityOfElementLocated(
                testId(testId)));
    }

    /** Waits until an element with this {@code data-testid} is visible inside {@code parent}, and returns it. */
    public WebElement find(WebElement parent, String testId) {
        return waitUntil("[data-testid=" + testId + "] visible in its parent",
                d -> parent.findElements(testId(testId)).stream().filter(WebElement::isDisplayed).findFirst()
                        .orElse(null));
    }

    /** The elements with this {@code data-testid} now (no wait; possibly none). */
    public List<WebElement> all(String testId) {
        return driver.findElements(testId(testId));
    }

    /** Waits until the element with this {@code data-testid} is visible and clicks it. */
    public Browser click(String testId) {
        waitUntil("[data-testid=" + testId + "] clickable", ExpectedConditions.elementToBeClickable(testId(testId)))
                .click();
        return this;
    }

    /** Waits until the visible text of the element with this {@code data-testid} contains {@code text}. */
    public WebElement waitForText(String testId, String text) {
        waitUntil("[data-testid=" + testId + "] containing '" + text + "'",
                ExpectedConditions.textToBePresentInElementLocated(testId(testId), text));
        return find(testId);
    }

    /**
     * Waits until {@code condition} answers something other than null or false (a missing or stale element counts as
     * not yet), at most {@link #WAIT}; fails naming {@code what}, with the page's text and a screenshot.
     */
    public <T> T waitUntil(String what, Function<WebDriver, T> condition) {
        return waitUntil(what, WAIT, condition);
    }

    /** As {@link #waitUntil(String, Function)} with another bound. */
    public <T> T waitUntil(String what, Duration atMost, Function<WebDriver, T> condition) {
        WebDriverWait wait = new WebDriverWait(driver, atMost, Duration.ofMillis(100));
        // the console re-renders a table row when its data changes: an element read a moment ago may be gone
        wait.ignoring(StaleElementReferenceException.class);
        try {
            return wait.until(condition::apply);
        } catch (TimeoutException e) {
            throw new AssertionError("waited " + atMost.toSeconds() + " s for " + what + " in vain, at " + path()
                    + diagnostics(), e);
        }
    }

    /** What the page shows (for a failed wait): its main text, and a screenshot under target/browser-failures/. */
    private String diagnostics() {
        StringBuilder out = new StringBuilder();
        try {
            Object text = script("const m = document.querySelector('main') || document.body;"
                    + " return m ? m.innerText : '';");
            String shown = String.valueOf(text);
            out.append("\n--- the page shows:\n").append(shown.length() > 4000 ? shown.substring(0, 4000) + " …"
                    : shown);
            Path shot = screenshot(Path.of("target", "browser-failures", "failed-wait-" + System.currentTimeMillis()
                    + ".png"));
            out.append("\n--- screenshot: ").append(shot.toAbsolutePath());
        } catch (RuntimeException e) {
            out.append("\n(no page text or screenshot: ").append(e.getMessage()).append(')');
        }
        return out.toString();
    }

    /** Runs a script in the page and answers its result. */
    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Writes a PNG screenshot of the viewport ({@link #WIDTH} x {@link #HEIGHT}) to {@code file}. */
    public Path screenshot(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException | UncheckedIOException e) {
            // a leftover profile in the temporary folder is no failure of the test
        }
    }
}
