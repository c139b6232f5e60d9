package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.examples.SourceUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Fetches a source into a file, streaming, hashing on the way, and skipping the transfer when the
 * copy already kept is still current: for a file, same size and modification time; for HTTP, a
 * conditional GET ({@code If-None-Match}, {@code If-Modified-Since}) answered {@code 304}.
 */
final class SourceFetcher {

    /** Bytes moved so far; called once per chunk, it may throw to stop the transfer. */
    interface Transfer {
        /**
         * @param bytes bytes copied by this chunk
         */
        void copied(long bytes);

        /** @param total the size announced by the source (file size, Content-Length) */
        void expect(long total);

        /** @param bytes the size of a kept copy that was current, so nothing was transferred */
        void kept(long bytes);
    }

    /**
     * @param notModified  {@code true} when the kept copy is current and nothing was written
     * @param fingerprint  the content's fingerprint (the kept one when not modified)
     */
    record Fetched(boolean notModified, SourceFingerprint fingerprint) {
    }

    private static final int CHUNK = 64 * 1024;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration HEADERS_TIMEOUT = Duration.ofMinutes(2);

    private final HttpClient http;

    SourceFetcher(HttpClient http) {
        this.http = Objects.requireNonNull(http, "http");
    }

    static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * @param source   what to fetch
     * @param kept     the fingerprint of the copy already kept, or {@code null} when there is none
     * @param target   where to write the content when it is fetched
     * @param transfer byte progress
     * @return whether the kept copy is current, and the content's fingerprint
     * @throws IOException naming the source when it cannot be read
     */
    Fetched fetch(SourceUrl source, SourceFingerprint kept, Path target, Transfer transfer)
            throws IOException, InterruptedException {
        if (source.file().isPresent()) {
            return fetchFile(source, source.file().get(), kept, target, transfer);
        }
        return fetchHttp(source, kept, target, transfer);
    }

    private Fetched fetchFile(SourceUrl source, Path file, SourceFingerprint kept, Path target, Transfer transfer)
            throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IOException(source + ": no such file", e);
        }
        if (!attrs.isRegularFile()) {
            throw new IOException(source + ": not a regular file");
        }
        Instant modified = attrs.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.MICROS);
        transfer.expect(attrs.size());
        if (kept != null && kept.size() == attrs.size() && modified.equals(kept.modified())) {
            transfer.kept(attrs.size());
            return new Fetched(true, kept);
        }
        try (InputStream in = Files.newInputStream(file)) {
            Copy copy = copy(in, target, transfer);
            return new Fetched(false, new SourceFingerprint(source.toString(), source.key(), copy.sha256, copy.size, modified, null, null));
        }
    }

    private Fetched fetchHttp(SourceUrl source, SourceFingerprint kept, Path target, Transfer transfer)
            throws IOException, InterruptedException {
        URI uri = source.uri();
        HttpRequest.Builder request = HttpRequest.newBuilder().GET().timeout(HEADERS_TIMEOUT)
                .header("Accept-Encoding", "identity");
        if (uri.getRawUserInfo() != null) {
            // the JDK client ignores user info in the URL: send it as Basic authentication instead
            String credentials = URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    credentials.getBytes(StandardCharsets.UTF_8)));
            try {
                uri = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                        uri.getFragment());
            } catch (java.net.URISyntaxException e) {
                throw new IOException(source + ": " + e.getMessage(), e);
            }
        }
        request.uri(uri);
        boolean conditional = false;
        if (kept != null && kept.etag() != null) {
            request.header("If-None-Match", kept.etag());
            conditional = true;
        }
        if (kept != null && kept.lastModified() != null) {
            request.header("If-Modified-Since", kept.lastModified());
            conditional = true;
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new TransientSourceException(source + ": " + describe(e), e);
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 304 && conditional) {
                transfer.expect(kept.size());
                transfer.kept(kept.size());
                return new Fetched(true, kept);
            }
            if (status != 200) {
                String message = source + " answered HTTP " + status + " (expected 200" + (conditional ? " or 304" : "") + ")";
                throw status >= 500 || status == 429 ? new TransientSourceException(message, null) : new IOException(message);
            }
            response.headers().firstValueAsLong("Content-Length").ifPresent(transfer::expect);
            Copy copy = copy(body, target, transfer);
            long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (announced >= 0 && announced != copy.size) {
                throw new TransientSourceException(source + ": the body ended after " + copy.size + " of " + announced
                        + " announced bytes", null);
            }
            return new Fetched(false, new SourceFingerprint(source.toString(), source.key(), copy.sha256, copy.size, null,
                    response.headers().firstValue("ETag").orElse(null),
                    response.headers().firstValue("Last-Modified").orElse(null)));
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source.toString())) {
                throw e;
            }
            throw new TransientSourceException(source + ": " + describe(e), e);
        }
    }

    /** A failure worth another attempt: the network, a server error, a cut transfer. */
    static final class TransientSourceException extends IOException {
        private static final long serialVersionUID = 1L;

        TransientSourceException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private record Copy(long size, String sha256) {
    }

    private static Copy copy(InputStream in, Path target, Transfer transfer) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        byte[] buffer = new byte[CHUNK];
        long size = 0;
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = Channels.newOutputStream(ch);
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n == 0) {
                    continue;
                }
                out.write(buffer, 0, n);
                sha.update(buffer, 0, n);
                size += n;
                transfer.copied(n);
            }
            out.flush();
            ch.force(true); // on disk before it is renamed over the kept copy
        }
        return new Copy(size, HexFormat.of().formatHex(sha.digest()));
    }
}
