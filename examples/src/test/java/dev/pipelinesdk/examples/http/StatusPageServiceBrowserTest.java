package dev.pipelinesdk.examples.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.examples.http.browser.Chromium;
import dev.pipelinesdk.examples.http.browser.DevToolsSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page of the started service in headless Chromium: during a real run (held just
 * before its import's swap) the maintenance overlay shows the phase and an ETA; when the run
 * succeeds the overlay goes away, live from the event stream. Screenshots of both stay in
 * {@code examples/target/screenshots}.
 */
class StatusPageServiceBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path tmp;

    @Test
    void theOverlayShowsTheRunningPhaseAndEtaThenDisappearsWhenTheRunSucceeds() throws Exception {
        Chromium chromium = Chromium.locate(); // fails, naming the reason, when the browser is missing
        Files.createDirectories(SCREENSHOTS);
        try (ServiceFixture service = new ServiceFixture(tmp, Optional.of(ServiceFixture.TOKEN), true);
             DevToolsSession browser = chromium.open(service.uri("/"), 1280, 800)) {
            browser.awaitTrue("document.body.dataset.ready === 'true'"
                    + " && document.getElementById('connection').textContent === 'live'"
                    + " && !document.getElementById('maintenance-overlay').hidden"
                    + " && document.getElementById('overlay-phase').textContent.startsWith('import')", WAIT);

            assertThat(text(browser, "overlay-phase")).isEqualTo("import (4 of 4)");
            String eta = text(browser, "overlay-eta");
            assertThat(eta).as("an ETA is shown").isNotEqualTo("—").isNotBlank();
            assertThat(text(browser, "overlay-elapsed")).matches("(\\d+ min )?\\d+ s");
            assertThat(browser.evaluate("document.querySelector('.pipeline-card[data-pipeline=\"stops\"] .state').textContent")
                    .asText()).isEqualTo("running");
            browser.screenshot(SCREENSHOTS.resolve("service-running.png"));

            service.release();
            browser.awaitTrue("document.getElementById('maintenance-overlay').hidden"
                    + " && document.querySelector('.pipeline-card[data-pipeline=\"stops\"] .state').textContent === 'succeeded'",
                    WAIT);
            assertThat(browser.evaluate("document.querySelector('.pipeline-card[data-pipeline=\"stops\"] .progress-bar')"
                    + ".getAttribute('aria-valuenow')").asText()).isEqualTo("100");
            assertThat(browser.evaluate("document.querySelector('.pipeline-card[data-pipeline=\"stops\"] .next-run').textContent")
                    .asText()).contains("(Europe/Zurich)");
            browser.screenshot(SCREENSHOTS.resolve("service-succeeded.png"));
        }
        assertThat(SCREENSHOTS.resolve("service-running.png")).isNotEmptyFile();
    }

    private static String text(DevToolsSession browser, String id) {
        return browser.evaluate("document.getElementById('" + id + "').textContent").asText();
    }
}
