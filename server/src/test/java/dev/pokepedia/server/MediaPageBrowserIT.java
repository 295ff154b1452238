package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.medialibrary.AssetChanges;
import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.CloudinaryConfig;
import dev.pokepedia.medialibrary.MediaLibrary;
import dev.pokepedia.medialibrary.MediaProvider;
import dev.pokepedia.medialibrary.MediaProviders;
import dev.pokepedia.medialibrary.ReconcileOptions;
import dev.pokepedia.medialibrary.ResourceType;
import dev.pokepedia.medialibrary.S3LibraryConfig;
import dev.pokepedia.medialibrary.UploadRequest;
import dev.pokepedia.medialibrary.WebhookVerifier;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.S3TestServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The media library page in headless Debian Chromium, over an S3 bucket (testkit's S3 server) as the provider and a
 * catalog filled by a reconcile: log in, see the grid with thumbnails, search, upload, edit tags, delete (in use
 * refused until forced), dry-run a sync, and see a webhook's change appear without a reload. Screenshots go to
 * {@code server/target/screenshots/}.
 */
class MediaPageBrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String PASSWORD = "media-page-test-password";
    static final String SECRET = "webhook-secret-for-the-page";
    static final Path SHOTS = Path.of("target", "screenshots");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();
    @RegisterExtension
    static S3TestServer s3 = new S3TestServer();

    static MediaProvider provider;
    static MediaLibrary library;
    static PokepediaServer server;
    static WebDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "SKIPPED: browser tests need Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver; .ci/run installs them)");
        provider = MediaProviders.s3(new S3LibraryConfig(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(), "page-bucket"));
        provider.upload(new UploadRequest(AssetRef.image("art/pikachu.png"), png(Color.YELLOW), "image/png", List.of("electric"),
                Map.of(), "Pikachu"));
        provider.upload(new UploadRequest(AssetRef.image("art/charmander.png"), png(Color.RED), "image/png", List.of("fire"),
                Map.of(), "Charmander"));
        library = new MediaLibrary(db.database(), provider);
        assertThat(library.reconcile(ReconcileOptions.defaults()).added()).isEqualTo(2);
        server = PokepediaServer.builder(db.database())
                .options(ServerOptions.defaults().withPort(0).withAdminPassword(new AdminPassword(PASSWORD)))
                .mediaLibrary(library, new WebhookVerifier(SECRET, CloudinaryConfig.SignatureAlgorithm.SHA1,
                        WebhookVerifier.DEFAULT_TOLERANCE, Clock.systemUTC()), "media-page-api-token-0123")
                .start();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class); // why: htmx replaces the grid while we look
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void searchUploadTagDeleteDryRunAndAWebhookAppearWithoutAReload() throws Exception {
        // log in; the dashboard links to the page
        browser.get(server.baseUri() + "/admin/media-library");
        wait.until(d -> d.getCurrentUrl().endsWith("/admin/login"));
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login-button")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("/admin"));
        browser.findElement(By.id("media-library-link")).click();
        wait.until(d -> names().equals(List.of("art/charmander.png", "art/pikachu.png")));
        // the thumbnails are the bucket's pictures, decoded by the browser
        wait.until(d -> ((Number) js("return [...document.querySelectorAll('#media-assets img')]"
                + ".filter(i => i.complete && i.naturalWidth === 8).length;")).intValue() == 2);
        js("window.pageMarker = 'no reload';");
        shot("media-1-grid");

        // search: the text box filters as you type
        browser.findElement(By.id("media-q")).sendKeys("pikachu");
        wait.until(d -> names().equals(List.of("art/pikachu.png")));
        browser.findElement(By.id("media-q")).clear();
        browser.findElement(By.id("media-search")).click();
        wait.until(d -> names().size() == 2);
        new Select(browser.findElement(By.id("media-folder"))).selectByValue("art");
        wait.until(d -> names().size() == 2);

        // upload: reaches the bucket, then the grid; a tag that looks like markup is shown as text
        Path file = Files.createTempDirectory("media-page").resolve("eevee.png");
        Files.write(file, png(Color.GRAY));
        browser.findElement(By.id("upload-file")).sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.id("upload-public-id")).sendKeys("art/eevee.png");
        browser.findElement(By.id("upload-tags")).sendKeys("normal, <b>bold</b>");
        browser.findElement(By.id("upload-button")).click();
        wait.until(d -> d.findElement(By.id("flash")).getText().contains("uploaded art/eevee.png"));
        wait.until(d -> names().contains("art/eevee.png"));
        assertThat(provider.get(AssetRef.image("art/eevee.png"))).isPresent();
        assertThat(card("art/eevee.png").findElements(By.tagName("b"))).isEmpty();
        assertThat(card("art/eevee.png").findElement(By.className("tags")).getText()).contains("<b>bold</b>");

        // edit tags: the provider gets them, the card shows them
        wait.until(d -> {
            WebElement tags = card("art/pikachu.png").findElement(By.name("tags"));
            tags.clear();
            tags.sendKeys("electric, mouse");
            card("art/pikachu.png").findElement(By.className("save-tags")).click();
            return true;
        });
        wait.until(d -> card("art/pikachu.png").findElement(By.className("tags")).getText().contains("mouse"));
        assertThat(provider.get(AssetRef.image("art/pikachu.png")).orElseThrow().tags()).containsExactly("electric", "mouse");

        // delete: an asset in use is refused until forced
        long charmander = Long.parseLong(card("art/charmander.png").getAttribute("data-id"));
        try (var c = db.database().connection(); var st = c.prepareStatement(
                "INSERT INTO media_usage (asset_id, entity_type, entity_id) VALUES (?, 'pokemon', '4')")) {
            st.setLong(1, charmander);
            st.executeUpdate();
        }
        click("art/charmander.png", "delete-asset");
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> d.findElement(By.id("flash")).getText().contains("is in use"));
        assertThat(names()).contains("art/charmander.png");
        assertThat(provider.get(AssetRef.image("art/charmander.png"))).isPresent();
        click("art/charmander.png", "force-delete-asset");
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> !names().contains("art/charmander.png"));
        assertThat(provider.get(AssetRef.image("art/charmander.png"))).isEmpty();
        shot("media-2-after-edits");

        // a dry run shows what a sync would do and changes nothing
        provider.upload(new UploadRequest(AssetRef.image("art/bulbasaur.png"), png(Color.GREEN), "image/png", List.of(),
                Map.of(), null));
        browser.findElement(By.id("sync-dry-run")).click();
        wait.until(d -> d.findElement(By.id("sync-diff")).getText().contains("ADD image art/bulbasaur.png"));
        assertThat(browser.findElement(By.id("sync-outcome")).getText()).contains("Dry run complete", "would add 1");
        assertThat(names()).doesNotContain("art/bulbasaur.png");
        shot("media-3-dry-run");

        // the log shows what happened, both directions
        assertThat(browser.findElement(By.id("media-log-table")).getText()).contains("catalog → provider", "art/eevee.png");

        // a tag changed on the provider arrives by a signed webhook; the page shows it without a reload
        provider.update(AssetRef.image("art/pikachu.png"), AssetChanges.tags(List.of("electric", "from-webhook")));
        String body = "{\"notification_type\":\"resource_tags_changed\",\"request_id\":\"page-wh-1\","
                + "\"resources\":[{\"public_id\":\"art/pikachu.png\",\"resource_type\":\"image\"}]}";
        assertThat(webhook(body).statusCode()).isEqualTo(200);
        wait.until(d -> card("art/pikachu.png").findElement(By.className("tags")).getText().contains("from-webhook"));
        wait.until(d -> d.findElement(By.id("media-log-table")).getText().contains("page-wh-1"));
        assertThat(js("return window.pageMarker;")).isEqualTo("no reload");
        shot("media-4-webhook-landed");
    }

    private static List<String> names() {
        return browser.findElements(By.cssSelector("#media-grid li.asset")).stream().map(e -> e.getAttribute("data-public-id"))
                .sorted().toList();
    }

    private static WebElement card(String publicId) {
        return browser.findElement(By.cssSelector("#media-grid li.asset[data-public-id='" + publicId + "']"));
    }

    /** Clicks a button of a card, again if htmx replaced the grid in between. */
    private static void click(String publicId, String buttonClass) {
        wait.until(d -> {
            card(publicId).findElement(By.className(buttonClass)).click();
            return true;
        });
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static HttpResponse<String> webhook(String body) throws Exception {
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        String sig = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest((body + ts + SECRET).getBytes(StandardCharsets.UTF_8)));
        return HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve("/api/media/webhooks/cloudinary"))
                .header("X-Cld-Timestamp", ts).header("X-Cld-Signature", sig).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An 8×8 PNG of one colour. */
    static byte[] png(Color color) throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 8, 8);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static void shot(String name) throws Exception {
        File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
