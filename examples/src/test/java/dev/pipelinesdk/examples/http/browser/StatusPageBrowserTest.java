package dev.pipelinesdk.examples.http.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status page in a real headless Chromium against canned endpoints: cards, the phase-weighted progress
 * bar, the maintenance overlay while a run is active, escaping, and the polling fallback without a stream.
 */
class StatusPageBrowserTest {

    private static final Duration BUDGET = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TRANSITIONS_DONE =
            "document.getAnimations().every(a => !(a instanceof CSSTransition))";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static Chromium chromium;
    private CannedStatusServer server;

    @BeforeAll
    static void findChromium() {
        chromium = Chromium.locate(); // fails, with the reason, when the browser is missing
    }

    @BeforeEach
    void startServer() throws Exception {
        server = new CannedStatusServer();
        server.jobs(JOBS);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void liveStream_runningShowsOverlayAndWeightedProgress_thenSucceededEventHidesOverlay() {
        server.statuses(n -> running());

        try (DevToolsSession browser = chromium.open(server.uri(), 1280, 800)) {
            browser.awaitTrue("document.body.dataset.ready === 'true'"
                    + " && document.getElementById('connection').textContent === 'live'", WAIT);
            DumpedDom page = DumpedDom.of(browser.dom());

            DumpedDom overlay = page.byId("maintenance-overlay");
            assertThat(overlay.hasAttribute("hidden")).as("overlay hidden while a run is active").isFalse();
            assertThat(overlay.attribute("role")).contains("dialog");
            assertThat(overlay.byId("overlay-phase").text()).isEqualTo("match (2 of 4)");
            assertThat(overlay.byId("overlay-eta").text()).matches("\\d+ s");
            assertThat(overlay.byId("overlay-elapsed").text()).matches("\\d+ min \\d\\d s");

            DumpedDom stops = card(page, "stops");
            assertThat(stops.byClass("state").text()).isEqualTo("running");
            assertThat(stops.byClass("phase").text()).isEqualTo("match (2 of 4)");
            assertThat(stops.byClass("message").text()).isEqualTo("Matched 12,000 of 50,000 stops");
            // weights 0.1 / 0.5 / 0.1 / 0.3: download done (0.1) + match 0.5 × 0.24 = 0.22
            assertProgress(stops, 22);
            assertThat(stops.byClass("eta").text()).matches("\\d+ s");
            assertThat(stops.byClass("elapsed").text()).matches("\\d+ min \\d\\d s");
            // 2026-11-24T01:00Z is 02:00 in Zurich
            assertThat(stops.byClass("next-run").text()).contains("Nov 24, 2026").contains("2:00 AM")
                    .contains("(Europe/Zurich)").contains("every 24 h");
            assertThat(stops.byClass("last-success").text()).contains("Nov 22, 2026").contains("(Europe/Zurich)");
            assertThat(stops.byClass("last-error").text()).isEqualTo("—");

            DumpedDom rivers = card(page, "rivers");
            // no weights: five equal phases, the third at done/total 50/100 → (2 + 0.5) / 5
            assertProgress(rivers, 50);
            assertThat(rivers.byClass("phase").text()).isEqualTo("load (3 of 5)");
            assertThat(rivers.byClass("message").text()).isEqualTo("<img src=x onerror=alert(1)>");
            assertThat(rivers.byClass("message").innerHtml()).doesNotContain("<img");
            assertThat(rivers.byClass("eta").text()).isEqualTo("—");
            // the same instant is 20:00 the evening before in New York
            assertThat(rivers.byClass("next-run").text()).contains("Nov 23, 2026").contains("8:00 PM")
                    .contains("(America/New_York)");
            browser.awaitTrue(TRANSITIONS_DONE, WAIT);
            browser.screenshot(SCREENSHOTS.resolve("status-running.png"));

            int polls = server.statusRequests();
            server.statuses(n -> finished());
            server.publish();
            browser.awaitTrue("document.getElementById('maintenance-overlay').hidden", WAIT);
            page = DumpedDom.of(browser.dom());

            assertThat(server.statusRequests()).as("the change came by the stream, not a poll").isEqualTo(polls);
            assertThat(page.byId("connection").text()).isEqualTo("live");
            assertThat(page.byId("maintenance-overlay").hasAttribute("hidden")).isTrue();
            stops = card(page, "stops");
            assertThat(stops.byClass("state").text()).isEqualTo("succeeded");
            assertProgress(stops, 100);
            assertThat(stops.byClass("eta").text()).isEqualTo("—");
            assertThat(stops.byClass("elapsed").text()).isEqualTo("2 min 05 s");
            rivers = card(page, "rivers");
            assertThat(rivers.byClass("state").text()).isEqualTo("failed");
            assertThat(rivers.byClass("last-error").text())
                    .isEqualTo("import: <script>window.hacked=1</script> duplicate key");
            assertThat(rivers.byClass("last-error").innerHtml()).doesNotContain("<script");
            assertThat(browser.evaluate("window.hacked === undefined").asBoolean()).isTrue();
            browser.awaitTrue(TRANSITIONS_DONE, WAIT); // bars drawn at their final width
            browser.screenshot(SCREENSHOTS.resolve("status-finished.png"));
        }
        try (DevToolsSession narrow = chromium.open(server.uri(), 390, 844)) {
            narrow.awaitTrue("document.body.dataset.ready === 'true' && " + TRANSITIONS_DONE, WAIT);
            narrow.screenshot(SCREENSHOTS.resolve("status-finished-narrow.png"));
        }
    }

    @Test
    void withoutEventStream_pollsAndKeepsRendering() {
        server.eventsAvailable(false);
        // the first two answers show the run, later polls its end: only polling can see that
        server.statuses(n -> n <= 2 ? running() : finished());

        DumpedDom page = DumpedDom.of(chromium.dumpDom(server.uri(), Duration.ofSeconds(8)));

        assertThat(page.byAttribute("data-ready", "true").attribute("data-connection")).contains("polling");
        assertThat(page.byId("connection").text()).isEqualTo("polling");
        assertThat(server.statusRequests()).isGreaterThanOrEqualTo(3);
        assertThat(page.byId("maintenance-overlay").hasAttribute("hidden")).isTrue();
        DumpedDom stops = card(page, "stops");
        assertThat(stops.byClass("state").text()).isEqualTo("succeeded");
        assertProgress(stops, 100);
        assertThat(card(page, "rivers").byClass("state").text()).isEqualTo("failed");
    }

    @Test
    void withoutEventStream_runningPipelineShowsOverlay() {
        server.eventsAvailable(false);
        server.statuses(n -> running());

        DumpedDom page = DumpedDom.of(chromium.dumpDom(server.uri(), BUDGET));

        assertThat(page.byId("connection").text()).isEqualTo("polling");
        assertThat(page.byId("maintenance-overlay").hasAttribute("hidden")).isFalse();
        assertThat(page.byId("overlay-phase").text()).isEqualTo("match (2 of 4)");
        assertProgress(card(page, "stops"), 22);
        chromium.screenshot(server.uri(), SCREENSHOTS.resolve("status-polling-running.png"), 1280, 800, BUDGET);
    }

    private static DumpedDom card(DumpedDom page, String pipeline) {
        DumpedDom card = page.byAttribute("data-pipeline", pipeline);
        assertThat(card.attribute("class").orElse("")).contains("pipeline-card");
        return card;
    }

    private static void assertProgress(DumpedDom card, int percent) {
        DumpedDom bar = card.byClass("progress-bar");
        assertThat(bar.attribute("aria-valuenow")).contains(Integer.toString(percent));
        assertThat(bar.attribute("style").orElse("")).contains("width: " + percent + "%");
    }

    // ---------------------------------------------------------------- canned data

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private static final String JOBS = """
            [{"pipeline":"stops","schedule":"every 24 h","zone":"Europe/Zurich","nextRunAt":"2026-11-24T01:00:00Z",
              "lastOutcome":"succeeded","lastSuccessAt":"2026-11-22T01:02:03Z","runningRunId":null,
              "triggerQueued":false,"phaseWeights":[{"phase":"download","weight":0.1},{"phase":"match","weight":0.5},
              {"phase":"problems","weight":0.1},{"phase":"import","weight":0.3}]},
             {"pipeline":"rivers","schedule":"every 6 h","zone":"America/New_York","nextRunAt":"2026-11-24T01:00:00Z",
              "lastOutcome":null,"lastSuccessAt":null,"runningRunId":null,"triggerQueued":false,"phaseWeights":[]}]
            """;

    private static List<String> running() {
        return List.of("""
                {"pipeline":"stops","runId":"r-1","state":"running","trigger":"scheduled","mode":"full",
                 "phase":"match","phaseIndex":2,"phaseCount":4,"message":"Matched 12,000 of 50,000 stops",
                 "progress":{"done":12000,"total":50000,"fraction":0.24},"startedAt":"%s","phaseStartedAt":"%s",
                 "updatedAt":"%s","finishedAt":null,"elapsedMs":81000,"etaMs":40200,
                 "nextRunAt":"2026-11-24T01:00:00Z","lastSuccessAt":"2026-11-22T01:02:03Z","error":null,
                 "version":1,"someFutureField":{"x":1}}
                """.formatted(NOW.minusSeconds(81), NOW.minusSeconds(30), NOW), """
                {"pipeline":"rivers","runId":"r-2","state":"running","phase":"load","phaseIndex":3,"phaseCount":5,
                 "message":"<img src=x onerror=alert(1)>","progress":{"done":50,"total":100,"fraction":null},
                 "startedAt":"%s","updatedAt":"%s","etaMs":null,"nextRunAt":null,"error":null,"version":1}
                """.formatted(NOW.minusSeconds(10), NOW));
    }

    private static List<String> finished() {
        return List.of("""
                {"pipeline":"stops","runId":"r-1","state":"succeeded","trigger":"scheduled","mode":"full",
                 "phase":"import","phaseIndex":4,"phaseCount":4,"message":"Imported 50,000 stops",
                 "progress":{"done":50000,"total":50000,"fraction":1.0},"startedAt":"%s","updatedAt":"%s",
                 "finishedAt":"%s","elapsedMs":125000,"etaMs":null,"nextRunAt":"2026-11-24T01:00:00Z",
                 "lastSuccessAt":"%s","error":null,"version":1}
                """.formatted(NOW.minusSeconds(125), NOW, NOW, NOW), """
                {"pipeline":"rivers","runId":"r-2","state":"failed","phase":"import","phaseIndex":5,"phaseCount":5,
                 "message":"Import failed","progress":null,"startedAt":"%s","updatedAt":"%s","finishedAt":"%s",
                 "etaMs":null,"nextRunAt":null,"lastSuccessAt":null,
                 "error":{"phase":"import","type":"SQLException",
                          "message":"<script>window.hacked=1</script> duplicate key"},"version":1}
                """.formatted(NOW.minusSeconds(10), NOW, NOW));
    }
}
