package dev.pipelinesdk.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.PhaseResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The interrupt hand-over between a run and the pool thread running one attempt. */
@Timeout(30)
class AttemptContextTest {

    @Test
    void anInterruptAskedForBeforeAThreadPicksTheAttemptUp_isDeliveredWhenItDoes() throws Exception {
        AttemptContext ctx = new AttemptContext(null, "slow", 1);
        ctx.interruptIfRunning();

        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            ctx.attach(Thread.currentThread());
            interrupted.complete(Thread.currentThread().isInterrupted());
            ctx.finish(PhaseResult.done(), null);
        });
        t.start();

        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
        t.join(10_000);
    }

    @Test
    void afterTheAttemptFinished_itsFormerThreadIsNeverInterrupted() throws Exception {
        AttemptContext ctx = new AttemptContext(null, "quick", 1);
        CountDownLatch finished = new CountDownLatch(1);
        CountDownLatch asked = new CountDownLatch(1);
        CompletableFuture<Boolean> interruptedInNextTask = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            ctx.attach(Thread.currentThread());
            ctx.finish(PhaseResult.done(), null);
            finished.countDown();
            try {
                // the pool thread's next task: waits while the run asks to interrupt the old attempt
                boolean released = asked.await(10, TimeUnit.SECONDS);
                interruptedInNextTask.complete(!released || Thread.currentThread().isInterrupted());
            } catch (InterruptedException e) {
                interruptedInNextTask.complete(true);
            }
        });
        t.start();
        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();

        ctx.interruptIfRunning();
        asked.countDown();

        assertThat(interruptedInNextTask.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(ctx.threadName()).isEqualTo("(finished)");
        t.join(10_000);
    }

    @Test
    void whileTheAttemptRuns_itsThreadIsInterruptedAndNamed() throws Exception {
        AttemptContext ctx = new AttemptContext(null, "busy", 1);
        CountDownLatch attached = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            ctx.attach(Thread.currentThread());
            attached.countDown();
            try {
                Thread.sleep(20_000);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
            ctx.finish(PhaseResult.done(), null);
        }, "pipeline-p-busy-1");
        t.start();
        assertThat(attached.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ctx.threadName()).isEqualTo("pipeline-p-busy-1");

        ctx.interruptIfRunning();

        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
        t.join(10_000);
    }
}
