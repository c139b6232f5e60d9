package dev.pipelinesdk.examples.http;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * The write endpoints' guard: {@code Authorization: Bearer <PIPELINE_API_TOKEN>}, compared in
 * constant time. Without a configured token every write is refused with 403 and a message saying
 * how to enable it; a missing or wrong token is 401.
 */
final class BearerAuth {
    private final byte[] token;

    BearerAuth(Optional<String> token) {
        this.token = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    void require(HttpExchange ex) {
        if (token == null) {
            throw new HttpError(403, "write endpoints are disabled: set PIPELINE_API_TOKEN (at least 16 characters)"
                    + " and send it as 'Authorization: Bearer <token>'");
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        Map<String, String> challenge = Map.of("WWW-Authenticate", "Bearer realm=\"pipeline\"");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpError(401, "missing 'Authorization: Bearer <token>'", challenge);
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        // MessageDigest.isEqual takes the same time for every mismatch position
        if (!MessageDigest.isEqual(given, token)) {
            throw new HttpError(401, "wrong bearer token", challenge);
        }
    }
}
