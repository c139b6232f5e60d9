package dev.pipelinesdk.examples.http.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A headless Chromium run once per call: dumps the DOM after the page's scripts ran, or takes a screenshot.
 *
 * <p>The binary is {@code $CHROMIUM}, else {@code /usr/bin/chromium}, else {@code /usr/bin/chromium-browser}
 * ({@code .ci/run} installs Debian's {@code chromium}). {@link #locate()} fails with a clear message when none
 * is there: browser tests fail rather than skip.
 *
 * <p>{@link #dumpDom} and {@link #screenshot} start {@code chromium --headless=new --no-sandbox ...
 * --virtual-time-budget=<ms>}: the page runs on virtual time, its timers (a 1 s tick, a 2 s poll) fire as fast
 * as the page lets them, and Chromium dumps once the budget is spent. Fetches against a real local server
 * complete, but virtual time stands still while any fetch is pending, so a page holding an open
 * Server-Sent Events stream never spends its budget: for those use {@link #open}, which drives the page
 * through the DevTools protocol in real time and waits on a condition.
 */
public final class Chromium {

    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/chromium"),
            Path.of("/usr/bin/chromium-browser"));
    /** Real time allowed on top of the virtual budget for start-up, loads and shutdown. */
    private static final Duration SLACK = Duration.ofSeconds(60);

    private final Path binary;

    private Chromium(Path binary) {
        this.binary = binary;
    }

    /**
     * Finds the Chromium binary.
     *
     * @return a harness for the binary found
     * @throws IllegalStateException when {@code $CHROMIUM} names no executable or no default path holds one
     */
    public static Chromium locate() {
        String fromEnv = System.getenv("CHROMIUM");
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path path = Path.of(fromEnv.trim());
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("CHROMIUM=" + fromEnv + " is not an executable file");
            }
            return new Chromium(path);
        }
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst().map(Chromium::new)
                .orElseThrow(() -> new IllegalStateException("Chromium not found: set CHROMIUM or install it"
                        + " (apt-get install -y --no-install-recommends chromium; .ci/run does this);"
                        + " looked at " + CANDIDATES));
    }

    /** @return the binary this harness runs */
    public Path binary() {
        return binary;
    }

    /**
     * Loads a page, lets it run for a virtual time budget and returns the serialised DOM.
     *
     * @param url               the page
     * @param virtualTimeBudget how much page time (timers, clocks) passes before the dump
     * @return the DOM as HTML, as Chromium printed it
     * @throws IllegalStateException when Chromium fails or does not finish within the budget plus a margin
     */
    public String dumpDom(URI url, Duration virtualTimeBudget) {
        return run(List.of("--dump-dom", url.toString()), virtualTimeBudget);
    }

    /**
     * Loads a page, lets it run for a virtual time budget and saves a PNG of the viewport.
     *
     * @param url    the page
     * @param png    where to write the image (parent directories are created)
     * @param width  viewport width in CSS pixels
     * @param height viewport height in CSS pixels
     * @param budget how much page time passes before the screenshot
     * @return {@code png}
     * @throws IllegalStateException when Chromium fails, does not finish in time or writes no image
     */
    public Path screenshot(URI url, Path png, int width, int height, Duration budget) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("screenshot size must be positive, got " + width + "x" + height);
        }
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            Files.deleteIfExists(png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + png, e);
        }
        run(List.of("--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), url.toString()), budget);
        if (!Files.isRegularFile(png)) {
            throw new IllegalStateException("Chromium wrote no screenshot to " + png + " for " + url);
        }
        return png;
    }

    private String run(List<String> args, Duration budget) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("virtual time budget must be positive, got " + budget);
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("chromium-");
            Path out = work.resolve("stdout.txt");
            Path err = work.resolve("stderr.txt");
            List<String> command = baseCommand(work.resolve("profile"));
            command.add("--virtual-time-budget=" + budget.toMillis());
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            english(builder.environment());
            Process process = builder.start();
            Duration limit = budget.plus(SLACK);
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("Chromium did not finish within " + limit + " for " + args
                        + "; stderr: " + tail(err));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Chromium exited with " + process.exitValue() + " for " + args
                        + "; stderr: " + tail(err));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Chromium ran " + args, e);
        } finally {
            deleteQuietly(work);
        }
    }

    /**
     * Starts a browser on a page with the DevTools protocol attached, for pages whose network never goes
     * quiet (an open Server-Sent Events stream stops virtual time, so {@link #dumpDom} would not return).
     * Runs in real time; wait for what the page should show with {@link DevToolsSession#awaitTrue}.
     *
     * @param url    the page
     * @param width  viewport width in CSS pixels
     * @param height viewport height in CSS pixels
     * @return the open session; close it to stop the browser
     * @throws IllegalStateException when the browser does not start or the page does not load
     */
    public DevToolsSession open(URI url, int width, int height) {
        return DevToolsSession.start(this, url, width, height);
    }

    /** The command line every run shares: headless, no sandbox (tests run as root), a throwaway profile. */
    List<String> baseCommand(Path profile) {
        return new ArrayList<>(List.of(binary.toString(),
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--mute-audio", "--lang=en-US", "--hide-scrollbars", "--run-all-compositor-stages-before-draw"));
    }

    /** Dates and numbers in the page format as en-US, whatever the machine's locale. */
    static void english(Map<String, String> env) {
        env.put("LANG", "en_US.UTF-8");
        env.put("LANGUAGE", "en_US");
    }

    static String tailOf(Path file) {
        try {
            return Files.isRegularFile(file) ? tail(file) : "";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    static void deleteTree(Path dir) {
        deleteQuietly(dir);
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }

    private static String tail(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        return text.length() <= 2000 ? text : "…" + text.substring(text.length() - 2000);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp profile is harmless
        }
    }
}
