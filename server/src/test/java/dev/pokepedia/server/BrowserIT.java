package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.queue.Queues;
import dev.pokepedia.queue.WorkerConfig;
import dev.pokepedia.queue.WorkerRuntime;
import dev.pokepedia.testkit.FreshDatabase;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard and the Pokédex page in headless Debian Chromium: log in, trigger a seed and watch the queue fill and
 * drain, then filter the Pokédex by type, open a Pokémon and play its cry from the mirror. Screenshots go to
 * {@code server/target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String PASSWORD = "browser-test-password";
    static final String QUEUE = "pokepedia_ingest";
    static final int SEEDED = 30;

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static PokepediaServer server;
    static Queues queues;
    static WorkerRuntime workers;
    static WebDriver browser;
    static WebDriverWait wait;
    static final CountDownLatch gate = new CountDownLatch(1);
    static final Path SHOTS = Path.of("target", "screenshots");

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "SKIPPED: browser tests need Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver; .ci/run installs them)");
        var store = Mirror.load(db.database(), Files.createTempDirectory("browser-storage"));
        queues = Queues.open(db.database());
        queues.create(QUEUE);
        // why: the handler holds every message until the test has seen the queue fill up on the dashboard
        workers = new WorkerRuntime(queues);
        workers.register(WorkerConfig.of(QUEUE).withConcurrency(4).withPollInterval(Duration.ofMillis(200)), m -> {
            if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test gate never opened");
            }
        });
        workers.start();
        AdminActions seedIntoTheQueue = new AdminActions() {
            @Override
            public long seed(List<String> types) {
                List<String> bodies = new ArrayList<>();
                for (int i = 0; i < SEEDED; i++) {
                    bodies.add("{\"type\":\"pokemon\",\"key\":\"" + i + "\"}");
                }
                return queues.sendBatch(QUEUE, bodies).size();
            }

            @Override
            public String runVerify() {
                return "ok";
            }

            @Override
            public void setScheduleEnabled(String name, boolean enabled) {
                throw new ActionUnavailableException("schedules");
            }
        };
        server = PokepediaServer.builder(db.database())
                .options(ServerOptions.defaults().withPort(0).withAdminPassword(new AdminPassword(PASSWORD)))
                .objectStore(store).queues(queues).adminActions(seedIntoTheQueue).start();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class); // why: the page replaces the grid and panels while we look
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        gate.countDown();
        if (browser != null) {
            browser.quit();
        }
        if (workers != null) {
            workers.shutdown(Duration.ofSeconds(10));
        }
        if (server != null) {
            server.close();
        }
        if (queues != null) {
            queues.close();
        }
    }

    @Test
    @Order(1)
    void logInTriggerASeedAndWatchTheQueueFillAndDrain() throws Exception {
        browser.get(server.baseUri() + "/admin");
        wait.until(d -> d.getCurrentUrl().endsWith("/admin/login"));
        browser.findElement(By.id("password")).sendKeys("wrong password");
        browser.findElement(By.id("login-button")).click();
        wait.until(d -> d.findElement(By.id("login-message")).getText().contains("Wrong password"));
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login-button")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("/admin") && !d.findElements(By.id("queues-table")).isEmpty());
        assertThat(depth()).isZero();
        shot("1-dashboard");
        // at 1,400 px the row of small panels fills the width of the wide ones: no empty column
        List<WebElement> row = browser.findElements(By.cssSelector(".cards > .card"));
        WebElement queuesCard = browser.findElement(By.id("panel-queues")).findElement(By.xpath("./.."));
        int rightOfRow = row.stream().mapToInt(c -> c.getRect().getX() + c.getRect().getWidth()).max().orElseThrow();
        assertThat(row).hasSizeGreaterThanOrEqualTo(3);
        assertThat(row.stream().map(c -> c.getRect().getY()).distinct()).hasSize(1);
        assertThat(Math.abs(rightOfRow - (queuesCard.getRect().getX() + queuesCard.getRect().getWidth()))).isLessThanOrEqualTo(2);
        // an idle queue's chart says so instead of showing an empty grey box
        assertThat(browser.findElement(By.cssSelector("svg.throughput")).getText()).contains("idle");

        browser.findElement(By.id("seed-button")).click();
        wait.until(d -> d.findElement(By.id("flash")).getText().contains("seed all types: started"));
        wait.until(d -> depth() == SEEDED); // the panel polls every 2 s
        // the banner follows the action to its outcome instead of staying at "started"
        wait.until(d -> d.findElement(By.id("flash")).getText().contains("seed all types: " + SEEDED + " messages enqueued"));
        shot("2-queue-filled");
        gate.countDown();
        wait.until(d -> depth() == 0);
        wait.until(d -> d.findElement(By.id("action-log")).getText().contains(SEEDED + " messages enqueued"));
        shot("3-queue-drained");
    }

    @Test
    @Order(2)
    void filterThePokedexByTypeOpenAPokemonAndPlayItsCry() throws Exception {
        browser.get(server.baseUri() + "/");
        wait.until(d -> d.findElements(By.cssSelector("#grid .mon")).size() > 3);
        shot("4-pokedex");
        new Select(browser.findElement(By.id("type"))).selectByValue("electric");
        wait.until(d -> {
            List<WebElement> cards = d.findElements(By.cssSelector("#grid .mon"));
            return !cards.isEmpty() && cards.stream().allMatch(c -> c.getAttribute("data-types").contains("electric"));
        });
        List<String> names = browser.findElements(By.cssSelector("#grid .mon")).stream().map(c -> c.getAttribute("data-name")).toList();
        assertThat(names).contains("pikachu").doesNotContain("charmander", "bulbasaur");
        WebElement sprite = browser.findElement(By.cssSelector("#grid .mon[data-name=pikachu] img"));
        assertThat(sprite.getAttribute("src")).isNotBlank();
        shot("5-filtered-electric");

        browser.findElement(By.cssSelector("#grid .mon[data-name=pikachu]")).click();
        wait.until(d -> d.findElement(By.id("detail-name")).getText().equalsIgnoreCase("pikachu"));
        WebElement cry = browser.findElement(By.id("cry-latest"));
        assertThat(cry.getAttribute("src")).isEqualTo(server.baseUri() + "/storage/v1/object/public/pokedex-cries/cries/pokemon/latest/25.ogg");
        assertThat(browser.findElements(By.id("cry-legacy"))).hasSize(1);
        // the browser really fetches and decodes the cry from the mirror's storage route
        ((JavascriptExecutor) browser).executeScript("const a = document.getElementById('cry-latest'); a.preload = 'auto'; a.load();");
        wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
                "const a = document.getElementById('cry-latest'); return a.readyState >= 1 && a.duration > 0 ? a.duration : 0;")).doubleValue() > 0);
        assertThat(browser.findElement(By.cssSelector("#detail .types")).getText().toLowerCase()).contains("electric");
        assertThat(browser.findElement(By.cssSelector(".abilities")).getText()).startsWith("Abilities:");
        assertThat(browser.findElements(By.cssSelector(".stat"))).hasSizeGreaterThanOrEqualTo(6);
        shot("6-pikachu-detail");
    }

    @Test
    @Order(3)
    void aLinkedPokedexViewRestoresItsFiltersAndDetailAndNeverLeavesTheMirror() throws Exception {
        browser.get(server.baseUri() + "/?type=fire&sort=name&pokemon=6");
        wait.until(d -> d.findElement(By.id("detail-name")).getText().equalsIgnoreCase("charizard"));
        assertThat(new Select(browser.findElement(By.id("type"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("fire");
        assertThat(new Select(browser.findElement(By.id("sort"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("name");
        List<WebElement> cards = browser.findElements(By.cssSelector("#grid .mon"));
        assertThat(cards).isNotEmpty().allSatisfy(c -> assertThat(c.getAttribute("data-types")).contains("fire"));
        shot("7-linked-view-with-detail");
        browser.findElement(By.id("close")).click();
        wait.until(d -> !d.getCurrentUrl().contains("pokemon="));

        new Select(browser.findElement(By.id("type"))).selectByValue("");
        wait.until(d -> d.getCurrentUrl().equals(server.baseUri() + "/?sort=name"));
        wait.until(d -> d.findElements(By.cssSelector("#grid .mon")).size() > 5);
        List<WebElement> all = browser.findElements(By.cssSelector("#grid .mon"));
        // a Pokémon without a mirrored sprite shows a silhouette as tall as a picture, so every card is alike
        assertThat(browser.findElements(By.cssSelector("#grid .noimg"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#grid img"))).isNotEmpty();
        assertThat(all.stream().map(c -> c.getRect().getHeight()).distinct().toList()).hasSize(1);
        @SuppressWarnings("unchecked")
        List<String> fetched = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name);");
        assertThat(fetched).isNotEmpty().allSatisfy(u -> assertThat(u).startsWith(server.baseUri().toString()));
        shot("8-even-cards-no-internet");
    }

    private static long depth() {
        List<WebElement> cells = browser.findElements(By.cssSelector("tr[data-queue='" + QUEUE + "'] td.depth"));
        return cells.isEmpty() ? -1 : Long.parseLong(cells.getFirst().getText().trim());
    }

    private static void shot(String name) throws Exception {
        File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
