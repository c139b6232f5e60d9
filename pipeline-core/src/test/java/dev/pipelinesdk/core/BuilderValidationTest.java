package dev.pipelinesdk.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipelinesdk.api.Phase;
import dev.pipelinesdk.api.RunCancelledException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuilderValidationTest {

    private static final Phase A = Phase.of("a", ctx -> { });

    @Test
    void pipeline_rejectsBadNamesDuplicatesAndEmptiness() {
        assertThatThrownBy(() -> Pipeline.builder("Stops!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Stops!'");
        assertThatThrownBy(() -> Pipeline.builder("stops").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no phases");
        assertThatThrownBy(() -> Pipeline.builder("stops").phase(A).phase(Phase.of("a", ctx -> { })).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two phases named 'a'");
        assertThatThrownBy(() -> Pipeline.builder("stops").phase(A, Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Timeout of phase 'a'");
    }

    @Test
    void pipeline_appliesDefaultsToPhasesWithoutRules() {
        RetryPolicy retry = RetryPolicy.builder().maxAttempts(2).build();
        Pipeline p = Pipeline.builder("stops").phase(A).phase(Phase.of("b", ctx -> { }), Duration.ofMinutes(2))
                .defaultTimeout(Duration.ofMinutes(10)).defaultRetry(retry).build();

        assertThat(p.phase("a").orElseThrow().timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.phase("a").orElseThrow().retry()).isSameAs(retry);
        assertThat(p.phase("b").orElseThrow().timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.phaseNames()).containsExactly("a", "b");
    }

    @Test
    void retryPolicy_backoffGrowsAndIsCapped() {
        RetryPolicy r = RetryPolicy.builder().maxAttempts(5).backoff(Duration.ofSeconds(1), 2)
                .maxBackoff(Duration.ofSeconds(3)).build();

        assertThat(r.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(r.backoffAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(r.backoffAfter(3)).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.backoffAfter(4)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void retryPolicy_retriesOnlyListedTypesAndNeverCancellationOrErrors() {
        RetryPolicy r = RetryPolicy.builder().maxAttempts(3).retryOn(IOException.class).build();

        assertThat(r.shouldRetry(new IOException("x"), 1)).isTrue();
        assertThat(r.shouldRetry(new IOException("x"), 3)).as("attempts exhausted").isFalse();
        assertThat(r.shouldRetry(new UncheckedIOException(new IOException("x")), 1)).isFalse();
        assertThat(RetryPolicy.builder().build().shouldRetry(new RunCancelledException("stop"), 1)).isFalse();
        assertThat(RetryPolicy.builder().build().shouldRetry(new OutOfMemoryError(), 1)).isFalse();
        assertThat(RetryPolicy.none().shouldRetry(new IOException("x"), 1)).isFalse();
    }

    @Test
    void retryPolicy_rejectsBadValuesNamingThem() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(Duration.ofSeconds(-1), 2)).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(Duration.ofSeconds(1), 0.5)).hasMessageContaining("0.5");
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(Duration.ofMinutes(5), 2).build())
                .hasMessageContaining("maxBackoff");
    }

    @Test
    void runner_rejectsGraceThatWouldOutliveTheLease() {
        InMemoryStateBackend backend = new InMemoryStateBackend();

        assertThatThrownBy(() -> PipelineRunner.builder(backend).leaseTtl(Duration.ofSeconds(3))
                .cancelGrace(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cancelGrace");
        assertThatThrownBy(() -> PipelineRunner.builder(backend).leaseTtl(Duration.ofMillis(5)))
                .hasMessageContaining("leaseTtl").hasMessageContaining("PT0.005S");
        assertThatThrownBy(() -> PipelineRunner.builder(backend).publishInterval(Duration.ZERO))
                .hasMessageContaining("publishInterval");
    }
}
