package dev.pipelinesdk.examples.http.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One headless Chromium with one page, driven over the DevTools protocol (a WebSocket on a loopback port).
 * Real time: wait for what the page should show with {@link #awaitTrue}, then read the DOM or take a
 * screenshot. Closing stops the browser and deletes its profile.
 */
public final class DevToolsSession implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path work;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending;
    private final AtomicInteger ids = new AtomicInteger();

    private DevToolsSession(Process process, Path work, Receiver receiver, WebSocket socket) {
        this.process = process;
        this.work = work;
        this.pending = receiver.pending;
        this.socket = socket;
    }

    static DevToolsSession start(Chromium chromium, URI url, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("viewport size must be positive, got " + width + "x" + height);
        }
        Path work;
        try {
            work = Files.createTempDirectory("chromium-devtools-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Chromium profile directory", e);
        }
        Path profile = work.resolve("profile");
        Path err = work.resolve("stderr.txt");
        List<String> command = chromium.baseCommand(profile);
        command.addAll(List.of("--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--window-size=" + width + "," + height, "about:blank"));
        Process process = null;
        DevToolsSession session = null;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile());
            Chromium.english(builder.environment());
            process = builder.start();
            Receiver receiver = new Receiver();
            session = new DevToolsSession(process, work, receiver, connect(process, profile, err, receiver));
            session.call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width)
                    .put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
            JsonNode nav = session.call("Page.navigate", JSON.createObjectNode().put("url", url.toString()));
            if (nav.hasNonNull("errorText")) {
                throw new IllegalStateException("Chromium could not load " + url + ": " + nav.get("errorText").asText());
            }
            return session;
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.close();
            } else {
                stop(process);
                Chromium.deleteTree(work);
            }
            throw e instanceof IOException io ? new UncheckedIOException("cannot start " + chromium.binary(), io)
                    : (RuntimeException) e;
        }
    }

    private static WebSocket connect(Process process, Path profile, Path err, Receiver receiver)
            throws IOException {
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + START.toNanos();
        while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Chromium did not open its DevTools port within " + START
                        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; stderr: "
                        + Chromium.tailOf(err));
            }
            pause();
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newBuilder().connectTimeout(CALL).build();
        try {
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(CALL).build(),
                    HttpResponse.BodyHandlers.ofString());
            String pageSocket = null;
            for (JsonNode target : JSON.readTree(list.body())) {
                if ("page".equals(target.path("type").asText())) {
                    pageSocket = target.path("webSocketDebuggerUrl").asText();
                    break;
                }
            }
            if (pageSocket == null || pageSocket.isEmpty()) {
                throw new IllegalStateException("Chromium lists no page target: " + list.body());
            }
            return http.newWebSocketBuilder().connectTimeout(CALL).buildAsync(URI.create(pageSocket), receiver)
                    .get(CALL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Chromium", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to Chromium's DevTools on port " + port + ": " + e, e);
        }
    }

    /** Collects frames into messages and hands each answer to the call waiting for it. */
    private static final class Receiver implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                String text = message.toString();
                message.setLength(0);
                receive(text);
            }
            socket.request(1);
            return null;
        }

        private void receive(String text) {
            try {
                JsonNode msg = JSON.readTree(text);
                if (!msg.has("id")) {
                    return; // an event; nothing here subscribes to events
                }
                CompletableFuture<JsonNode> call = pending.remove(msg.get("id").asInt());
                if (call == null) {
                    return;
                }
                if (msg.has("error")) {
                    call.completeExceptionally(new IllegalStateException("DevTools error: " + msg.get("error")));
                } else {
                    call.complete(msg.path("result"));
                }
            } catch (IOException e) {
                pending.values().forEach(f -> f.completeExceptionally(e));
            }
        }
    }

    /**
     * Sends one DevTools command and waits for its answer.
     *
     * @param method the command, e.g. {@code Runtime.evaluate}
     * @param params its parameters
     * @return the {@code result} object of the answer
     */
    public JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        try {
            socket.sendText(JSON.writeValueAsString(msg), true).get(CALL.toMillis(), TimeUnit.MILLISECONDS);
            return answer.get(CALL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(method + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(method + " got no answer within " + CALL, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            pending.remove(id);
        }
    }

    /**
     * Evaluates a JavaScript expression in the page.
     *
     * @param expression the expression
     * @return its value as JSON ({@code null} node when undefined)
     * @throws IllegalStateException when the expression throws
     */
    public JsonNode evaluate(String expression) {
        JsonNode result = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw on `" + expression + "`: "
                    + result.path("exceptionDetails").path("exception").path("description").asText(
                    result.path("exceptionDetails").toString()));
        }
        return result.path("result").path("value");
    }

    /**
     * Waits until a JavaScript expression is {@code true} in the page.
     *
     * @param expression the condition, e.g. {@code document.body.dataset.ready === 'true'}
     * @param timeout    how long to wait at most
     * @throws AssertionError when the condition does not hold in time, with the page's text
     *                        (an expression that throws, e.g. while the page loads, counts as not yet true)
     */
    public void awaitTrue(String expression, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "";
        while (true) {
            try {
                if (evaluate("Boolean(" + expression + ")").asBoolean(false)) {
                    return;
                }
            } catch (IllegalStateException e) { // e.g. no body yet while the page loads: not yet true
                lastProblem = "; last error: " + e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("page did not reach `" + expression + "` within " + timeout + lastProblem
                        + "; body text: " + evaluate("document.body ? document.body.innerText : ''").asText());
            }
            pause();
        }
    }

    /** @return the serialised DOM, as {@code --dump-dom} would print it */
    public String dom() {
        return "<!DOCTYPE html>\n" + evaluate("document.documentElement.outerHTML").asText();
    }

    /**
     * Saves a PNG of the viewport.
     *
     * @param png where to write it (parent directories are created)
     * @return {@code png}
     */
    public Path screenshot(Path png) {
        JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
        return png;
    }

    @Override
    public void close() {
        try {
            socket.sendText("{\"id\":0,\"method\":\"Browser.close\"}", true);
            socket.abort();
        } catch (RuntimeException e) {
            // the browser is stopped below either way
        }
        stop(process);
        Chromium.deleteTree(work);
    }

    private static void stop(Process process) {
        if (process == null) {
            return;
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Chromium", e);
        }
    }
}
