package dev.pipelinesdk.examples.http;

import static dev.pipelinesdk.examples.http.Exchanges.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pipelinesdk.api.ExportRecord;
import dev.pipelinesdk.api.PipelineStatus;
import dev.pipelinesdk.api.RunMode;
import dev.pipelinesdk.api.StateBackendException;
import dev.pipelinesdk.api.Trigger;
import dev.pipelinesdk.core.export.ExportTracker;
import dev.pipelinesdk.core.jdbc.JdbcRunHistory;
import dev.pipelinesdk.core.scheduling.JobInfo;
import dev.pipelinesdk.core.scheduling.PipelineScheduler;
import dev.pipelinesdk.core.scheduling.SchedulerHealth;
import dev.pipelinesdk.core.scheduling.TriggerResult;
import dev.pipelinesdk.core.status.StatusFeed;
import dev.pipelinesdk.core.status.Subscription;
import dev.pipelinesdk.examples.stops.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example service's HTTP face, on the JDK's built-in server: the status API, the live event
 * stream, jobs, health, manual triggers, a page of problems, exports, and the status page. A thin
 * layer over the SDK ({@link StatusFeed}, {@link ExportTracker}, {@link PipelineScheduler}); every
 * answer other than a page or a file is JSON, every error a JSON object without a stack trace.
 */
public final class StatusHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusHttpServer.class);

    /** Problems returned per page at most. */
    public static final int MAX_PAGE = 500;
    /** Event-stream clients served at once at most. */
    public static final int MAX_STREAMS = 32;
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** The page's policy: its own scripts, styles and connections only. */
    public static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
    private static final Pattern RUN = Pattern.compile("/api/system/pipelines/([^/]+)/run");
    private static final Pattern EXPORT = Pattern.compile("/api/exports/([^/]+)");
    private static final Pattern EXPORT_FILE = Pattern.compile("/api/exports/([^/]+)/file");
    private static final Pattern STATIC = Pattern.compile("/static/([^/]+)");
    private static final Map<String, String> EXPORT_TABLES = Map.of(
            "stop_problems", "atlas_id, osm_id, kind, detail",
            "stop_matches", "atlas_id, osm_id, distance_m, method");

    private final HttpServer server;
    private final ExecutorService threads;
    private final StatusFeed feed;
    private final PipelineScheduler scheduler;
    private final JdbcRunHistory history;
    private final DataSource dataSource;
    private final ExportTracker exports;
    private final BearerAuth auth;
    private final ZoneId zone;
    private final List<String> pipelines;
    private final Map<String, List<String>> phases;
    private final StaticAssets assets = new StaticAssets();
    private final AtomicInteger streams = new AtomicInteger();
    private volatile boolean closing;

    static {
        // the JDK server waits for a request's headers and body without a bound unless told otherwise: a client
        // that sends half a request must not hold a thread (responses stay unbounded: event streams are long)
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "20");
        }
    }

    private StatusHttpServer(Builder b) throws IOException {
        this.feed = b.feed;
        this.scheduler = b.scheduler;
        this.history = b.history;
        this.dataSource = b.dataSource;
        this.exports = b.exports;
        this.auth = new BearerAuth(Optional.ofNullable(b.token));
        this.zone = b.zone;
        this.phases = Map.copyOf(b.phases);
        this.pipelines = List.copyOf(b.phases.keySet());
        this.server = HttpServer.create(b.address, 64);
        this.threads = new ThreadPoolExecutor(4, MAX_STREAMS + 64, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "http-" + THREAD_IDS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(threads);
        server.createContext("/", this::handle);
    }

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    /**
     * @param feed      the live status of the pipelines shown
     * @param scheduler the scheduler (jobs, health, triggers)
     * @return a builder
     */
    public static Builder builder(StatusFeed feed, PipelineScheduler scheduler) {
        return new Builder(feed, scheduler);
    }

    /** @return this server, listening */
    public StatusHttpServer start() {
        server.start();
        log.info("HTTP status API and page on http://{}:{}/", server.getAddress().getHostString(), port());
        return this;
    }

    /** @return the port it listens on */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening; open event streams end within a second. */
    @Override
    public void close() {
        closing = true;
        server.stop(1);
        threads.shutdownNow();
    }

    // ---- routing

    private void handle(HttpExchange ex) throws IOException {
        try {
            route(ex);
        } catch (HttpError e) {
            Exchanges.sendError(ex, e);
        } catch (IOException e) {
            // before the answer started this is ours (a JSON 500); after, the client went away
            log.debug("HTTP {} {}: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e.toString());
            if (ex.getResponseCode() == -1) {
                try {
                    Exchanges.sendError(ex, new HttpError(500, "the service could not read what was asked for"));
                } catch (IOException | RuntimeException ignored) {
                    ex.close();
                }
            } else {
                ex.close();
            }
        } catch (StateBackendException e) {
            log.warn("HTTP {} {}: the state backend failed: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    e.getMessage());
            try {
                Exchanges.sendError(ex, new HttpError(503, "the state backend cannot be reached right now",
                        Map.of("Retry-After", "10")));
            } catch (IOException | RuntimeException ignored) {
                ex.close();
            }
        } catch (RuntimeException e) {
            log.warn("HTTP {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            try {
                Exchanges.sendError(ex, new HttpError(500, "internal error; see the service's log"));
            } catch (IOException | RuntimeException ignored) {
                ex.close();
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        Matcher m;
        switch (path) {
            case "/", "/index.html" -> {
                allow(method, "GET", "HEAD");
                asset(ex, "index.html");
                return;
            }
            case "/health" -> {
                allow(method, "GET", "HEAD");
                health(ex);
                return;
            }
            case "/api/system/pipeline_status" -> {
                allow(method, "GET", "HEAD");
                status(ex);
                return;
            }
            case "/api/system/events" -> {
                allow(method, "GET");
                events(ex);
                return;
            }
            case "/api/system/jobs" -> {
                allow(method, "GET", "HEAD");
                jobs(ex);
                return;
            }
            case "/api/problems" -> {
                allow(method, "GET", "HEAD");
                problems(ex);
                return;
            }
            case "/api/exports" -> {
                allow(method, "POST");
                startExport(ex);
                return;
            }
            default -> {
                // below
            }
        }
        if ((m = STATIC.matcher(path)).matches()) {
            allow(method, "GET", "HEAD");
            asset(ex, m.group(1));
        } else if ((m = RUN.matcher(path)).matches()) {
            allow(method, "POST");
            trigger(ex, m.group(1));
        } else if ((m = EXPORT_FILE.matcher(path)).matches()) {
            allow(method, "GET", "HEAD");
            exportFile(ex, m.group(1));
        } else if ((m = EXPORT.matcher(path)).matches()) {
            allow(method, "GET", "HEAD");
            export(ex, m.group(1));
        } else {
            throw new HttpError(404, "no such resource: " + path);
        }
    }

    private static void allow(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new HttpError(405, "method " + method + " not allowed; use " + String.join(" or ", allowed),
                Map.of("Allow", String.join(", ", allowed)));
    }

    // ---- handlers

    private void asset(HttpExchange ex, String name) throws IOException {
        StaticAssets.Asset asset = assets.find(name).orElseThrow(() -> new HttpError(404, "no such file: " + name));
        ex.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        Exchanges.send(ex, 200, asset.contentType(), asset.bytes());
    }

    private void health(HttpExchange ex) throws IOException {
        SchedulerHealth h = scheduler.health();
        ObjectNode body = JSON.createObjectNode();
        body.put("healthy", h.healthy());
        body.put("scheduler", h.schedulerRunning());
        body.put("database", h.databaseReachable());
        body.put("stateBackend", h.stateBackendReachable());
        body.put("lastSuccessfulPoll", h.lastSuccessfulPoll() == null ? null : h.lastSuccessfulPoll().toString());
        ArrayNode problems = body.putArray("problems");
        h.problems().forEach(problems::add);
        Exchanges.sendJson(ex, h.healthy() ? 200 : 503, body);
    }

    private void status(HttpExchange ex) throws IOException {
        String pipeline = Exchanges.query(ex).get("pipeline");
        if (pipeline != null) {
            if (!pipelines.contains(pipeline)) {
                throw new HttpError(404, "unknown pipeline '" + pipeline + "'; known: " + pipelines);
            }
            Exchanges.sendJson(ex, 200, statusOf(pipeline).toJson());
            return;
        }
        ArrayNode all = JSON.createArrayNode();
        for (String p : pipelines) {
            all.add(JSON.readTree(statusOf(p).toJson()));
        }
        Exchanges.sendJson(ex, 200, all);
    }

    private PipelineStatus statusOf(String pipeline) {
        return feed.latest(pipeline).orElse(PipelineStatus.idle(pipeline));
    }

    private void jobs(HttpExchange ex) throws IOException {
        ArrayNode out = JSON.createArrayNode();
        for (JobInfo j : scheduler.jobs()) {
            ObjectNode o = out.addObject();
            o.put("pipeline", j.pipeline());
            o.put("schedule", j.schedule());
            o.put("zone", (j.zone() == null ? zone : j.zone()).getId());
            putInstant(o, "nextRunAt", j.nextRunAt());
            o.put("nextRunAtLocal", j.nextRunAt() == null ? null
                    : j.nextRunAt().atZone(j.zone() == null ? zone : j.zone()).toOffsetDateTime().toString());
            o.put("lastOutcome", j.lastOutcome() == null ? null : j.lastOutcome().wireName());
            putInstant(o, "lastFinishedAt", j.lastFinishedAt());
            putInstant(o, "lastSuccessAt", j.lastSuccessAt());
            o.put("runningRunId", j.runningRunId());
            putInstant(o, "runningSince", j.runningSince());
            o.put("triggerQueued", j.triggerQueued());
            ArrayNode weights = o.putArray("phaseWeights");
            phaseWeights(j.pipeline()).forEach((phase, w) -> weights.addObject().put("phase", phase).put("weight", w));
        }
        Exchanges.sendJson(ex, 200, out);
    }

    /** Each phase's share of a typical successful run (median durations of recent runs); empty when none yet. */
    private Map<String, Double> phaseWeights(String pipeline) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (history == null) {
            return out;
        }
        Map<String, Duration> typical = history.typicalPhaseDurations(pipeline);
        double total = typical.values().stream().mapToLong(Duration::toMillis).sum();
        if (total <= 0) {
            return out;
        }
        typical.forEach((phase, d) -> out.put(phase, Math.round(d.toMillis() / total * 1000) / 1000.0));
        return out;
    }

    private static void putInstant(ObjectNode o, String field, Instant t) {
        o.put(field, t == null ? null : t.toString());
    }

    private void trigger(HttpExchange ex, String pipeline) throws IOException {
        auth.require(ex);
        JsonNode body = Exchanges.jsonBody(ex);
        if (!pipelines.contains(pipeline)) {
            throw new HttpError(404, "unknown pipeline '" + pipeline + "'; known: " + pipelines);
        }
        RunMode mode = RunMode.full();
        JsonNode modeNode = body.get("mode");
        if (modeNode != null && !modeNode.isNull()) {
            if (!modeNode.isTextual()) {
                throw new HttpError(400, "'mode' must be a string such as \"full\" or \"from:match\"");
            }
            try {
                mode = RunMode.parse(modeNode.asText());
                mode.select(phases.get(pipeline));
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "mode: " + e.getMessage());
            }
        }
        TriggerResult result = scheduler.trigger(pipeline, Trigger.HTTP, mode);
        ObjectNode out = JSON.createObjectNode();
        out.put("pipeline", pipeline);
        out.put("status", result.status().name().toLowerCase(java.util.Locale.ROOT));
        out.put("runId", result.runId());
        switch (result.status()) {
            case ACCEPTED -> Exchanges.sendJson(ex, 202, out);
            case ALREADY_RUNNING -> {
                out.put("error", pipeline + " is already running: run " + result.runId());
                Exchanges.sendJson(ex, 409, out);
            }
            case ALREADY_QUEUED -> {
                out.put("error", "a triggered run of " + pipeline + " is already queued");
                Exchanges.sendJson(ex, 409, out);
            }
        }
    }

    private void problems(HttpExchange ex) throws IOException {
        Map<String, String> q = Exchanges.query(ex);
        String kind = q.get("kind");
        if (kind != null && !kind.isEmpty()) {
            try {
                Problem.Kind.ofWireName(kind);
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "unknown kind '" + kind + "'");
            }
        } else {
            kind = null;
        }
        int limit = Exchanges.intParam(q, "limit", 50, 1, MAX_PAGE);
        int offset = Exchanges.intParam(q, "offset", 0, 0, 100_000_000);
        String where = kind == null ? "" : " WHERE kind = ?";
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = JSON.createArrayNode();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM stop_problems" + where)) {
                if (kind != null) {
                    ps.setString(1, kind);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.put("total", rs.getLong(1));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT atlas_id, osm_id, kind, detail FROM stop_problems"
                    + where + " ORDER BY atlas_id NULLS LAST, osm_id NULLS LAST, kind, detail LIMIT ? OFFSET ?")) {
                int i = 1;
                if (kind != null) {
                    ps.setString(i++, kind);
                }
                ps.setInt(i++, limit);
                ps.setInt(i, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ObjectNode o = items.addObject();
                        o.put("atlasId", rs.getString(1));
                        long osm = rs.getLong(2);
                        if (rs.wasNull()) {
                            o.putNull("osmId");
                        } else {
                            o.put("osmId", osm);
                        }
                        o.put("kind", rs.getString(3));
                        o.put("detail", rs.getString(4));
                    }
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                out.put("total", 0);
            } else {
                log.warn("Problems query failed: {}", e.toString());
                throw new HttpError(503, "the database cannot be read right now");
            }
        }
        out.put("limit", limit);
        out.put("offset", offset);
        out.set("items", items);
        Exchanges.sendJson(ex, 200, out);
    }

    // ---- exports

    private void startExport(HttpExchange ex) throws IOException {
        auth.require(ex);
        JsonNode body = Exchanges.jsonBody(ex);
        String table = body.path("table").asText("");
        String columns = EXPORT_TABLES.get(table);
        if (columns == null) {
            throw new HttpError(400, "'table' must be one of " + EXPORT_TABLES.keySet());
        }
        JsonNode filter = body.path("filter");
        String kind = null;
        if (!filter.isMissingNode() && !filter.isNull()) {
            if (!filter.isObject()) {
                throw new HttpError(400, "'filter' must be an object such as {\"kind\": \"unmatched_osm\"}");
            }
            for (var it = filter.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!name.equals("kind")) {
                    throw new HttpError(400, "unknown filter '" + name + "'; only 'kind' is supported");
                }
            }
            if (filter.has("kind")) {
                if (!table.equals("stop_problems")) {
                    throw new HttpError(400, "filter 'kind' applies to stop_problems only");
                }
                try {
                    kind = Problem.Kind.ofWireName(filter.get("kind").asText()).wireName(); // a known constant only
                } catch (IllegalArgumentException e) {
                    throw new HttpError(400, "unknown kind '" + filter.get("kind").asText() + "'");
                }
            }
        }
        String where = kind == null ? "" : " WHERE kind = '" + kind + "'";
        String select = "SELECT " + columns + " FROM " + table + where + " ORDER BY " + columns;
        ExportRecord record;
        try {
            record = exports.start(table, (out, progress) -> copyOut(select, "SELECT count(*) FROM " + table + where, out,
                    progress));
        } catch (IllegalStateException e) {
            if (closing || exports.runningCount() == 0) {
                throw new HttpError(503, "the service is stopping", Map.of("Retry-After", "10"));
            }
            throw new HttpError(429, e.getMessage(), Map.of("Retry-After", "10"));
        }
        ObjectNode out = exportJson(record);
        ex.getResponseHeaders().set("Location", "/api/exports/" + record.id());
        Exchanges.sendJson(ex, 202, out);
    }

    private long copyOut(String select, String count, OutputStream out, dev.pipelinesdk.core.export.ExportProgress progress)
            throws SQLException, IOException {
        try (Connection c = dataSource.getConnection()) {
            long total;
            try (PreparedStatement ps = c.prepareStatement(count); ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            progress.progress(0, total);
            OutputStream counting = new OutputStream() {
                private long lines;

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    if (b == '\n') {
                        progress.progress(Math.min(++lines, total), total);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    for (int i = off; i < off + len; i++) {
                        if (b[i] == '\n') {
                            lines++;
                        }
                    }
                    progress.progress(Math.min(lines, total), total);
                }
            };
            long rows = c.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (" + select + ") TO STDOUT (FORMAT csv, HEADER true)", counting);
            progress.progress(rows, Math.max(rows, total));
            return rows;
        }
    }

    private void export(HttpExchange ex, String id) throws IOException {
        ExportRecord record = exports.find(id).orElseThrow(() -> new HttpError(404, "no such export"));
        Exchanges.sendJson(ex, 200, exportJson(record));
    }

    private static ObjectNode exportJson(ExportRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id());
        o.put("state", r.state().name().toLowerCase(java.util.Locale.ROOT));
        if (r.progress() == null) {
            o.putNull("progress");
        } else {
            o.putObject("progress").put("done", r.progress().done()).put("total", r.progress().total());
        }
        if (r.file() == null) {
            o.putNull("file");
        } else {
            // the server's path stays inside: clients get the metadata and the download link
            o.putObject("file").put("sizeBytes", r.file().sizeBytes()).put("sha256", r.file().sha256())
                    .put("rows", r.file().rows()).put("download", "/api/exports/" + r.id() + "/file");
        }
        putInstant(o, "createdAt", r.createdAt());
        putInstant(o, "expiresAt", r.expiresAt());
        o.put("error", r.error());
        return o;
    }

    private void exportFile(HttpExchange ex, String id) throws IOException {
        Path file = exports.file(id).orElseThrow(() -> new HttpError(404, "no such export file"));
        ex.getResponseHeaders().set("Content-Type", "text/csv; charset=utf-8");
        ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + file.getFileName() + "\"");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        long size;
        InputStream in;
        try {
            size = Files.size(file);
            in = Files.newInputStream(file);
        } catch (java.nio.file.NoSuchFileException e) { // expired and removed just now
            throw new HttpError(404, "no such export file");
        }
        try (in) {
            if ("HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(200, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, size == 0 ? -1 : size);
            try (OutputStream out = ex.getResponseBody()) {
                in.transferTo(out);
            }
        }
        ex.close();
    }

    // ---- server-sent events

    private void events(HttpExchange ex) throws IOException {
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            throw new HttpError(503, "too many event streams open; poll /api/system/pipeline_status instead",
                    Map.of("Retry-After", "10"));
        }
        LinkedBlockingDeque<PipelineStatus> pending = new LinkedBlockingDeque<>();
        try (Subscription ignored = feed.subscribe(s -> {
            if (pipelines.contains(s.pipeline())) {
                while (pending.size() >= 64) {
                    pending.pollFirst(); // a stream only needs the newest documents
                }
                pending.offerLast(s);
            }
        })) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.getResponseHeaders().set("X-Accel-Buffering", "no");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write(("retry: 3000\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush(); // the subscription replays the current documents first: a reconnecting client is whole again
            long nextBeat = System.nanoTime() + HEARTBEAT.toNanos();
            while (!closing) {
                PipelineStatus s = pending.pollFirst(1, TimeUnit.SECONDS);
                if (s != null) {
                    writeEvent(out, s);
                    out.flush();
                } else if (System.nanoTime() - nextBeat >= 0) {
                    out.write((": heartbeat " + Instant.now() + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    nextBeat = System.nanoTime() + HEARTBEAT.toNanos();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Event stream ended: {}", e.toString());
        } finally {
            streams.decrementAndGet();
            ex.close();
        }
    }

    private static void writeEvent(OutputStream out, PipelineStatus s) throws IOException {
        String json = new String(s.toJson(), StandardCharsets.UTF_8).replace("\n", "");
        String id = s.updatedAt() == null ? "0" : Long.toString(s.updatedAt().toEpochMilli());
        out.write(("id: " + id + "\nevent: status\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The server's parts; {@link #build()} binds the port. */
    public static final class Builder {
        private final StatusFeed feed;
        private final PipelineScheduler scheduler;
        private JdbcRunHistory history;
        private DataSource dataSource;
        private ExportTracker exports;
        private String token;
        private ZoneId zone = ZoneId.of("UTC");
        private final Map<String, List<String>> phases = new LinkedHashMap<>();
        private InetSocketAddress address = new InetSocketAddress(5001);

        private Builder(StatusFeed feed, PipelineScheduler scheduler) {
            this.feed = Objects.requireNonNull(feed, "feed");
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        }

        /**
         * @param name       a pipeline to show and trigger
         * @param phaseNames its phases, in order (a trigger's mode is checked against them)
         * @return this builder
         */
        public Builder pipeline(String name, List<String> phaseNames) {
            phases.put(Objects.requireNonNull(name, "name"), List.copyOf(phaseNames));
            return this;
        }

        /**
         * @param history the run history (typical phase durations weight the progress bar)
         * @return this builder
         */
        public Builder history(JdbcRunHistory history) {
            this.history = history;
            return this;
        }

        /**
         * @param dataSource the database of the served tables
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * @param exports the export tracker
         * @return this builder
         */
        public Builder exports(ExportTracker exports) {
            this.exports = Objects.requireNonNull(exports, "exports");
            return this;
        }

        /**
         * @param token the bearer token of the write endpoints; empty disables them (403)
         * @return this builder
         */
        public Builder token(Optional<String> token) {
            this.token = token.orElse(null);
            return this;
        }

        /**
         * @param zone the zone next runs are shown in
         * @return this builder
         */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /**
         * @param address where to listen, e.g. {@code new InetSocketAddress(5001)} (all interfaces) or port 0 for any free one
         * @return this builder
         */
        public Builder address(InetSocketAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * @return the server, bound but not started
         * @throws IOException when the port cannot be bound (e.g. in use)
         */
        public StatusHttpServer build() throws IOException {
            if (dataSource == null || exports == null) {
                throw new IllegalStateException("dataSource and exports are required");
            }
            if (phases.isEmpty()) {
                throw new IllegalStateException("no pipelines to show");
            }
            return new StatusHttpServer(this);
        }
    }

    static Set<String> exportTables() {
        return EXPORT_TABLES.keySet();
    }
}
