package dev.pipelinesdk.core.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.RunOutcome;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** URL checking and masking, and the builder's validation; no notifier is started. */
class WebhookConfigTest {

    @Test
    void maskUrl_hidesPasswordLoneUserAndQuery() {
        assertThat(WebhookNotifier.maskUrl(URI.create("https://hooks.example.com/p/stops")))
                .isEqualTo("https://hooks.example.com/p/stops");
        assertThat(WebhookNotifier.maskUrl(URI.create("https://bot:s3cret@hooks.example.com:8443/p?token=t0k#frag")))
                .isEqualTo("https://bot:***@hooks.example.com:8443/p?***");
        assertThat(WebhookNotifier.maskUrl(URI.create("https://t0ken-as-user@hooks.example.com/p")))
                .isEqualTo("https://***@hooks.example.com/p");
        assertThat(WebhookNotifier.maskUrl(URI.create("http://[::1]:8080/hook?a=1&b=2")))
                .isEqualTo("http://[::1]:8080/hook?***");
        assertThat(WebhookNotifier.maskUrl(URI.create("http://u:p%40ss@host")))
                .isEqualTo("http://u:***@host");
        assertThat(WebhookNotifier.maskUrl(URI.create("mailto:ops@example.com")))
                .doesNotContain("ops");
    }

    @Test
    void target_dropsUserInfoAndFragmentButKeepsTheQuery() {
        assertThat(WebhookUrl.target(URI.create("https://u:p@host:8443/a%20b?x=1%262#frag")))
                .isEqualTo(URI.create("https://host:8443/a%20b?x=1%262"));
        assertThat(WebhookUrl.basicAuthorization(URI.create("https://host/"))).isEmpty();
        assertThat(WebhookUrl.basicAuthorization(URI.create("https://u:p%40ss@host/"))).contains("Basic dTpwQHNz");
    }

    @Test
    void builder_rejectsUrlsThatAreNotHttp() {
        assertThatThrownBy(() -> WebhookNotifier.builder("ftp://user:pw@files.example.com/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Webhook URL ftp://user:***@files.example.com/x must start with http:// or https://");
        assertThatThrownBy(() -> WebhookNotifier.builder("hooks.example.com/x"))
                .hasMessageContaining("must start with http:// or https://");
        assertThatThrownBy(() -> WebhookNotifier.builder("http:///no-host"))
                .hasMessageContaining("has no valid host name");
        assertThatThrownBy(() -> WebhookNotifier.builder("https://host/p?token=sec ret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Webhook URL is not a valid URI: Illegal character in query at index")
                .hasMessageNotContaining("sec");
        assertThatThrownBy(() -> WebhookNotifier.builder(" ")).hasMessage("Webhook URL must not be blank");
        assertThatThrownBy(() -> WebhookNotifier.builder((URI) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void builder_rejectsBadSettingsNamingTheValue() {
        WebhookNotifier.Builder b = WebhookNotifier.builder("https://hooks.example.com/x");
        assertThatThrownBy(() -> b.attempts(0)).hasMessage("attempts must be between 1 and 20, was 0");
        assertThatThrownBy(() -> b.queueCapacity(0)).hasMessage("queueCapacity must be between 1 and 100000, was 0");
        assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO))
                .hasMessage("requestTimeout must be between 1 ms and 3600000 ms, was PT0S");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ofHours(2))).hasMessageContaining("was PT2H");
        assertThatThrownBy(() -> b.drainTimeout(Duration.ofSeconds(-1))).hasMessageContaining("drainTimeout");
        assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(10), Duration.ofSeconds(5)))
                .hasMessage("backoff must be between 0 ms and 5000 ms, was PT10S");
        assertThatThrownBy(() -> b.outcomes(List.of())).hasMessage("outcomes must name at least one outcome");
        assertThatThrownBy(() -> b.outcomes(RunOutcome.FAILED, RunOutcome.ALREADY_RUNNING))
                .hasMessageContaining("must not contain ALREADY_RUNNING");
        assertThatThrownBy(() -> b.userAgent("two\nlines")).hasMessageContaining("userAgent");
    }

    @Test
    void builder_rejectsBadHeadersWithoutShowingTheValue() {
        WebhookNotifier.Builder b = WebhookNotifier.builder("https://hooks.example.com/x");
        assertThatThrownBy(() -> b.header("Bad Name", "v")).hasMessage("Header name 'Bad Name' is not a valid HTTP header name");
        assertThatThrownBy(() -> b.header("content-type", "text/plain"))
                .hasMessage("Header 'content-type' is set by the notifier and cannot be given");
        assertThatThrownBy(() -> b.header("User-Agent", "x")).hasMessageContaining("use userAgent(...)");
        assertThatThrownBy(() -> b.header("Authorization", "Bearer abc\r\nX-Evil: 1"))
                .hasMessage("Header 'Authorization' needs a value without line breaks");
    }

    @Test
    void builder_rejectsUserInfoTogetherWithAnAuthorizationHeader() {
        WebhookNotifier.Builder b = WebhookNotifier.builder("https://u:pw@hooks.example.com/x")
                .header("authorization", "Bearer abc");
        assertThatThrownBy(b::build).hasMessage("Webhook URL https://u:***@hooks.example.com/x carries user info"
                + " and an Authorization header is given too; use one of them");
    }
}
