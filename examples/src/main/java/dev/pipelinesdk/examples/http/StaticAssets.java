package dev.pipelinesdk.examples.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The status page's files, read from the jar ({@code dev/pipelinesdk/examples/http/static/}). Only
 * plain file names are looked up; a name with a slash or dots in a row never reaches the class loader.
 */
final class StaticAssets {
    static final String ROOT = "dev/pipelinesdk/examples/http/static/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9]+)?");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> cache = new ConcurrentHashMap<>(); // hits only: misses must not grow it

    Optional<Asset> find(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Asset hit = cache.get(name);
        if (hit != null) {
            return Optional.of(hit);
        }
        Optional<Asset> loaded = load(name);
        loaded.ifPresent(a -> cache.put(name, a));
        return loaded;
    }

    private Optional<Asset> load(String name) {
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            return in == null ? Optional.empty() : Optional.of(new Asset(type, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the page asset " + name, e);
        }
    }
}
