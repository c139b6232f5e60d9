package dev.pipelinesdk.examples.http.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A tiny HTTP server for browser tests: the status page from the classpath and canned answers for the three
 * endpoints it reads. The status documents come from a function of the request count, so a test can switch
 * the answer between page loads or while a page polls.
 */
final class CannedStatusServer implements AutoCloseable {

    private static final String STATIC = "/dev/pipelinesdk/examples/http/static/";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "canned-status-server");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicInteger statusRequests = new AtomicInteger();
    private final AtomicInteger eventRequests = new AtomicInteger();
    private final AtomicInteger generation = new AtomicInteger();
    private volatile IntFunction<List<String>> statuses = n -> List.of();
    private volatile String jobs = "[]";
    private volatile boolean eventsAvailable = true;

    CannedStatusServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::serveStatic);
        server.createContext("/api/system/pipeline_status", this::serveStatus);
        server.createContext("/api/system/jobs", ex -> send(ex, 200, "application/json", jobs));
        server.createContext("/api/system/events", this::serveEvents);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** The status documents (JSON objects) served for the n-th status request (1-based) and on the stream. */
    void statuses(IntFunction<List<String>> byRequest) {
        statuses = byRequest;
    }

    void jobs(String json) {
        jobs = json;
    }

    /** Sends the current status documents to every open event stream. */
    void publish() {
        generation.incrementAndGet();
    }

    /** Whether the events endpoint streams (true) or answers 404 (false). */
    void eventsAvailable(boolean available) {
        eventsAvailable = available;
    }

    int statusRequests() {
        return statusRequests.get();
    }

    int eventRequests() {
        return eventRequests.get();
    }

    private void serveStatic(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String file = path.equals("/") ? "index.html"
                : path.startsWith("/static/") ? path.substring("/static/".length()) : null;
        if (file == null || file.isEmpty() || file.contains("/") || file.contains("..")) {
            send(ex, 404, "text/plain", "not found");
            return;
        }
        try (InputStream in = CannedStatusServer.class.getResourceAsStream(STATIC + file)) {
            if (in == null) {
                send(ex, 404, "text/plain", "not found");
                return;
            }
            String type = file.endsWith(".html") ? "text/html; charset=utf-8"
                    : file.endsWith(".css") ? "text/css; charset=utf-8"
                    : file.endsWith(".js") ? "text/javascript; charset=utf-8" : "application/octet-stream";
            send(ex, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private void serveStatus(HttpExchange ex) throws IOException {
        int n = statusRequests.incrementAndGet();
        send(ex, 200, "application/json", "[" + String.join(",", statuses.apply(n)) + "]");
    }

    /** One {@code status} event per document, again on each {@link #publish()}, heartbeats in between. */
    private void serveEvents(HttpExchange ex) throws IOException {
        eventRequests.incrementAndGet();
        if (!eventsAvailable) {
            send(ex, 404, "text/plain", "no stream here");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            int id = 0;
            int sent = generation.get();
            id = sendEvents(out, id);
            long lastWrite = System.nanoTime();
            while (!closing.await(100, TimeUnit.MILLISECONDS)) {
                if (generation.get() != sent) {
                    sent = generation.get();
                    id = sendEvents(out, id);
                    lastWrite = System.nanoTime();
                } else if (System.nanoTime() - lastWrite > TimeUnit.SECONDS.toNanos(1)) {
                    out.write(": heartbeat\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    lastWrite = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the browser went away
        }
    }

    private int sendEvents(OutputStream out, int lastId) throws IOException {
        StringBuilder events = new StringBuilder();
        int id = lastId;
        for (String doc : statuses.apply(statusRequests.get())) {
            events.append("id: ").append(++id).append("\nevent: status\ndata: ")
                    .append(doc.replace("\n", " ")).append("\n\n");
        }
        out.write(events.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return id;
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        // the same policy as the service, so that the page is tested under it
        ex.getResponseHeaders().set("Content-Security-Policy", dev.pipelinesdk.examples.http.StatusHttpServer.CONTENT_SECURITY_POLICY);
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
