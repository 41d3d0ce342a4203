package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.Campaign;
import io.dispatch.client.CampaignState;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The operator console in a real browser: Debian's chromium, driven headless through chromedriver, loads
 * {@code /console} from a running engine, and what it shows must be what {@code /metrics} and the admin routes say.
 */
@Timeout(180)
class ConsoleIT
{
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final int MESSAGES = 40;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int adminPort;

    @Test
    void shouldShowTheCountersOfMetricsTheLanesAndDeadLettersAndChangeATenantRate() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir.resolve("engine")));
            DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                .port(engine.port()).tenant("demo").apiKey("demo-key").build()))
        {
            adminPort = engine.adminPort();
            final WebDriver browser = startBrowser();
            try
            {
                browser.get("http://127.0.0.1:" + adminPort + "/console");
                final WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
                wait.until(b -> b.findElement(By.id("token")).isDisplayed());
                browser.findElement(By.id("token")).sendKeys("not-the-token");
                browser.findElement(By.id("token-submit")).click();
                wait.until(b -> b.findElement(By.id("token")).isDisplayed()
                    && text(b, "token-problem").contains("refused"));
                browser.findElement(By.id("token")).sendKeys(EngineFixture.adminToken(dir.resolve("engine")));
                browser.findElement(By.id("token-submit")).click();
                wait.until(b -> !b.findElement(By.id("token-form")).isDisplayed()
                    && b.findElement(By.id("forget-token")).isDisplayed());
                // the page has read /metrics once before the traffic, so its next reading shows a rate
                wait.until(b -> text(b, "count-accepted").equals("0"));

                final List<CompletableFuture<SubmitResult>> acks = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++)
                {
                    acks.add(client.submit(Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.SMS)
                        .to("0101234" + i).text("console " + i).build()));
                }
                final long dead = client.submit(Submit.builder().kind(MessageKind.INFORMATIONAL)
                    .channel(ChannelType.SMS).to("reject-01099998888").text("no such number").build())
                    .join().messageId();
                acks.forEach(CompletableFuture::join);

                // traffic has stopped once every message is delivered or dead: then the page's raw counters and
                // /metrics read at the same moment must agree exactly
                wait.until(b -> metric("dispatch_delivered_total") == MESSAGES
                    && metric("dispatch_rejected_total") == 1);
                wait.until(b -> text(b, "count-delivered").equals(String.valueOf(MESSAGES)));
                assertThat(text(browser, "count-accepted"))
                    .isEqualTo(String.valueOf(metric("dispatch_acked_total")))
                    .isEqualTo(String.valueOf(MESSAGES + 1));
                assertThat(text(browser, "count-dispatched"))
                    .isEqualTo(String.valueOf(metric("dispatch_dispatched_total")));
                assertThat(text(browser, "count-rejected")).isEqualTo("1");
                assertThat(chartPixelsAboveZero(browser)).as("the throughput chart drew the burst").isPositive();

                final String informational = "#classes tr[data-class='informational'] td[data-field='count']";
                assertThat(metric("dispatch_ack_latency_seconds_count{class=\"informational\"}"))
                    .isEqualTo(MESSAGES + 1);
                wait.until(b -> String.valueOf(MESSAGES + 1).equals(shown(b, informational)));

                assertEndToEndLatencyShownAsOnMetrics(browser, wait);

                final String smsSent = "#lanes tr[data-lane='sms-simulated'] td[data-field='sent']";
                wait.until(b -> String.valueOf(metric("dispatch_lane_sent_total{lane=\"sms-simulated\"}"))
                    .equals(shown(b, smsSent)));
                assertThat(shown(browser, smsSent)).isEqualTo(String.valueOf(MESSAGES + 1));

                final String smsWait = "#lane-waits tr[data-lane='sms-simulated'][data-class='informational']"
                    + " td[data-field='count']";
                final String waitSeries = "dispatch_lane_handoff_latency_seconds_count{lane=\"sms-simulated\","
                    + "class=\"informational\"}";
                wait.until(b -> metric(waitSeries) > 0 && String.valueOf(metric(waitSeries)).equals(shown(b, smsWait)));

                final String deadRow = "#deadletters tr[data-message-id='" + dead + "']";
                wait.until(b -> shown(b, deadRow) != null);
                assertThat(shown(browser, deadRow)).contains("INVALID_RECIPIENT", "demo");

                browser.findElement(By.id("redrive-reason")).sendKeys("INVALID_RECIPIENT");
                browser.findElement(By.id("redrive-explain")).click();
                browser.findElement(By.id("redrive-submit")).click();
                wait.until(b -> get("/redrive").contains("\"state\":\"done\""));
                assertThat(get("/redrive")).contains("\"explain\":false", "\"reason\":\"INVALID_RECIPIENT\"",
                    "\"published\":1");
                wait.until(b -> text(b, "redrive-job").endsWith("done: matched 1, selected 1, published 1"));

                browser.findElement(By.id("lookup-id")).sendKeys(Long.toString(dead));
                browser.findElement(By.id("lookup-submit")).click();
                wait.until(b -> shown(b, "#history tr[data-state='REJECTED']") != null);
                assertThat(shown(browser, "#history tr[data-state='ACCEPTED']")).contains("sms");
                assertThat(shown(browser, "#history tr[data-state='REJECTED']")).contains("INVALID_RECIPIENT");
                assertThat(text(browser, "lookup-result")).startsWith("tenant demo, INFORMATIONAL, sms")
                    .endsWith("(complete)");

                wait.until(b -> shown(b, "#tenants tr[data-tenant='other']") != null);
                new Select(browser.findElement(By.id("rate-tenant"))).selectByValue("other");
                browser.findElement(By.id("rate-per-second")).sendKeys("123");
                browser.findElement(By.id("rate-submit")).click();
                wait.until(b -> text(b, "rate-result").startsWith("accepted: tenant other"));
                wait.until(b -> get("/tenants").contains("\"other\":{\"perSecond\":123,"));
                wait.until(b -> "123".equals(shown(b, "#tenants tr[data-tenant='other'] td[data-field='perSecond']")));
                assertThat(get("/tenants")).contains("\"demo\":{\"perSecond\":0,");
            }
            finally
            {
                browser.quit();
            }
        }
    }

    @Test
    void shouldPauseAndResumeACampaignFromThePage() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir.resolve("engine")));
            DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                .port(engine.port()).tenant("demo").apiKey("demo-key").build()))
        {
            adminPort = engine.adminPort();
            // due in an hour: the campaign stays scheduled (or paused) for the whole test, whatever the machine's speed
            final long id = client.startCampaign(Campaign.builder().name("console-pause").segment("gender = 'F'")
                .channels(ChannelType.SMS).template(ChannelType.SMS, "promo")
                .startAt(System.currentTimeMillis() + 3_600_000L).build()).get(10, TimeUnit.SECONDS).campaignId();
            final String row = "#campaigns tr[data-campaign-id='" + id + "']";
            final WebDriver browser = startBrowser();
            try
            {
                browser.get("http://127.0.0.1:" + adminPort + "/console");
                final WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
                wait.until(b -> b.findElement(By.id("token")).isDisplayed());
                browser.findElement(By.id("token")).sendKeys(EngineFixture.adminToken(dir.resolve("engine")));
                browser.findElement(By.id("token-submit")).click();
                wait.until(b -> "scheduled".equals(shown(b, row + " td[data-field='state']")));
                assertThat(shown(browser, row + " td[data-field='name']")).isEqualTo("console-pause");
                assertThat(shown(browser, row + " td[data-field='tenant']")).isEqualTo("demo");

                click(wait, row + " button[data-action='pause']");
                wait.until(b -> text(b, "campaign-result").equals("campaign " + id + " paused"));
                assertThat(campaignState(id)).as("the engine, through the admin API").isEqualTo("paused");
                assertThat(client.campaignStats(id).get(10, TimeUnit.SECONDS).state())
                    .as("and through the protocol").isEqualTo(CampaignState.PAUSED);
                wait.until(b -> "paused".equals(shown(b, row + " td[data-field='state']")));

                click(wait, row + " button[data-action='resume']");
                wait.until(b -> text(b, "campaign-result").equals("campaign " + id + " scheduled"));
                assertThat(campaignState(id)).isEqualTo("scheduled");
                assertThat(client.campaignStats(id).get(10, TimeUnit.SECONDS).state())
                    .isEqualTo(CampaignState.SCHEDULED);
            }
            finally
            {
                browser.quit();
            }
        }
    }

    /**
     * Every message but the rejected one was handed off and delivered: once the page counts them all (nothing is timed
     * after), its counts and quantiles are those of /metrics, and the informational chart drew its delivery latency.
     */
    private void assertEndToEndLatencyShownAsOnMetrics(final WebDriver browser, final WebDriverWait wait)
    {
        for (final String until : List.of("provider_accepted", "delivered"))
        {
            final String row = "#e2e tr[data-class='informational'][data-until='" + until + "']";
            final String labels = "until=\"" + until + "\",class=\"informational\"";
            wait.until(b -> String.valueOf(MESSAGES).equals(shown(b, row + " td[data-field='count']")));
            assertThat(metric("dispatch_e2e_latency_seconds_count{" + labels + "}")).isEqualTo(MESSAGES);
            for (final String q : List.of("0.5", "0.99", "1.0"))
            {
                final String cell = row + " td[data-field='q" + q + "']";
                assertThat(Double.parseDouble(attribute(browser, cell, "data-seconds"))).as("%s q%s", until, q)
                    .isEqualTo(metricValue("dispatch_e2e_latency_seconds{" + labels + ",quantile=\"" + q + "\"}"));
                assertThat(shown(browser, cell)).matches("[0-9.]+ m?s");
            }
            final String marketing = "#e2e tr[data-class='marketing'][data-until='" + until + "']";
            assertThat(shown(browser, marketing + " td[data-field='count']")).isEqualTo("0");
        }
        assertThat(pixelsOfColour(browser, "latency-chart-informational", 0x2a, 0x9d, 0x57))
            .as("the informational chart drew the delivery latency").isPositive();
    }

    /** Clicks the button once the page shows it (a poll hides the buttons whose action does not apply). */
    private static void click(final WebDriverWait wait, final String selector)
    {
        wait.until(b -> b.findElement(By.cssSelector(selector)).isDisplayed());
        wait.until(b -> b.findElement(By.cssSelector(selector))).click();
    }

    private String campaignState(final long id)
    {
        final Matcher m = Pattern.compile("\\{\"id\":" + id + ",[^}]*\"state\":\"([a-z_]+)\"").matcher(get("/campaigns"));
        return m.find() ? m.group(1) : null;
    }

    @Test
    void shouldServeTheConsoleFilesWithTheirTypesWithoutTheToken() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir)))
        {
            adminPort = engine.adminPort();
            assertType("/console", 200, "text/html; charset=utf-8");
            assertType("/console/console.js", 200, "text/javascript; charset=utf-8");
            assertType("/console/console.css", 200, "text/css; charset=utf-8");
            assertType("/console/other.js", 404, "text/plain");
            final HttpResponse<String> page = send("/console", false);
            assertThat(page.body()).contains("<script src=\"/console/console.js\"")
                .as("nothing loaded from elsewhere").doesNotContain("http://", "https://");
            assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'self'; frame-ancestors 'none'");
            assertThat(send("/tenants", false).statusCode()).as("the data routes still need the token")
                .isEqualTo(401);
            final HttpResponse<String> pause = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/campaigns/1/pause"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(pause.statusCode()).as("so do the campaign controls").isEqualTo(401);
        }
    }

    /** Debian's chromium, headless, with a fresh profile; Selenium Manager is never asked to download a driver. */
    private WebDriver startBrowser() throws Exception
    {
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute())
        {
            fail(CHROMIUM + " or " + CHROMEDRIVER + " is missing: the console's browser test needs Debian's chromium;"
                + " install it with: apt-get update -qq && apt-get install -y -qq chromium chromium-driver"
                + " (scripts/test, the README's test command, does this)");
        }
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().withTimeout(WAIT).build();
        return new ChromeDriver(service, options);
    }

    private static String text(final WebDriver browser, final String id)
    {
        return browser.findElement(By.id(id)).getText();
    }

    /** @return how many pixels of the throughput chart are drawn in a series' colour above the zero line. */
    private static long chartPixelsAboveZero(final WebDriver browser)
    {
        return (Long)((JavascriptExecutor)browser).executeScript(String.join("\n",
            "const c = document.getElementById('throughput-chart');",
            "const zeroLine = c.height - 30 - 3;",
            "const px = c.getContext('2d').getImageData(0, 0, c.width, zeroLine).data;",
            "const colours = [[0x2f, 0x6f, 0xdf], [0xd9, 0x8a, 0x1c], [0x2a, 0x9d, 0x57]];",
            "let n = 0;",
            "for (let i = 0; i < px.length; i += 4) {",
            "  if (px[i + 3] > 128 && colours.some(([r, g, b]) =>",
            "    Math.abs(px[i] - r) < 40 && Math.abs(px[i + 1] - g) < 40 && Math.abs(px[i + 2] - b) < 40)) { n++; }",
            "}",
            "return n;"));
    }

    /** @return how many pixels of a canvas are drawn in about this colour. */
    private static long pixelsOfColour(final WebDriver browser, final String canvasId, final int r, final int g,
        final int b)
    {
        return (Long)((JavascriptExecutor)browser).executeScript(String.join("\n",
            "const c = document.getElementById(arguments[0]);",
            "const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;",
            "let n = 0;",
            "for (let i = 0; i < px.length; i += 4) {",
            "  if (px[i + 3] > 128 && Math.abs(px[i] - arguments[1]) < 40 && Math.abs(px[i + 1] - arguments[2]) < 40",
            "    && Math.abs(px[i + 2] - arguments[3]) < 40) { n++; }",
            "}",
            "return n;"), canvasId, r, g, b);
    }

    /** @return an attribute of the first element the CSS selector matches, or null. */
    private static String attribute(final WebDriver browser, final String selector, final String name)
    {
        return (String)((JavascriptExecutor)browser).executeScript(
            "const e = document.querySelector(arguments[0]); return e === null ? null : e.getAttribute(arguments[1]);",
            selector, name);
    }

    /**
     * @return the text of the first element the CSS selector matches, or null; read in one script call, since the
     * page rebuilds its tables every poll and an element found by one WebDriver call may be gone by the next.
     */
    private static String shown(final WebDriver browser, final String selector)
    {
        return (String)((JavascriptExecutor)browser).executeScript(
            "const e = document.querySelector(arguments[0]); return e === null ? null : e.textContent;", selector);
    }

    private long metric(final String series)
    {
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\d+)$").matcher(get("/metrics"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private double metricValue(final String series)
    {
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(get("/metrics"));
        assertThat(m.find()).as("%s on /metrics", series).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private String get(final String path)
    {
        try
        {
            return send(path, true).body();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(path, ex);
        }
    }

    private void assertType(final String path, final int status, final String type) throws Exception
    {
        final HttpResponse<String> r = send(path, false);
        assertThat(r.statusCode()).as(path).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).as(path).hasValue(type);
    }

    private HttpResponse<String> send(final String path, final boolean withToken) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
            .timeout(Duration.ofSeconds(10)).GET();
        if (withToken)
        {
            request.header("Authorization", "Bearer " + EngineFixture.adminToken(dir.resolve("engine")));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
