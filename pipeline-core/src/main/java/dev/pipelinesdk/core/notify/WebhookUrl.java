package dev.pipelinesdk.core.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** Checking, masking and splitting of a webhook URL. */
final class WebhookUrl {

    private WebhookUrl() {
    }

    /**
     * @param text an absolute http or https URL
     * @return it, parsed and checked
     * @throws IllegalArgumentException saying what is wrong; the text itself is not repeated, as
     *     it may hold a password or a token
     */
    static URI parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Webhook URL must not be blank");
        }
        try {
            return check(new URI(text.trim()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Webhook URL is not a valid URI: " + e.getReason()
                    + " at index " + e.getIndex(), e);
        }
    }

    /**
     * @param url the URL
     * @return it, when it is an absolute http or https URL with a host
     * @throws IllegalArgumentException naming the masked URL and what is accepted
     */
    static URI check(URI url) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("Webhook URL " + masked(url) + " must start with http:// or https://");
        }
        if (url.getHost() == null || url.getRawAuthority() == null) {
            throw new IllegalArgumentException("Webhook URL " + masked(url) + " has no valid host name");
        }
        return url;
    }

    /**
     * @param url a URL
     * @return it fit for a log: the password (or a user name without password, which may be a
     *     token) and the whole query string replaced by {@code ***}, the fragment left out
     */
    static String masked(URI url) {
        if (url == null) {
            return "null";
        }
        if (url.getScheme() == null || url.getRawAuthority() == null) {
            return "<a URL that is not absolute>";
        }
        StringBuilder out = new StringBuilder();
        out.append(url.getScheme()).append("://");
        String authority = url.getRawAuthority();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            int colon = userInfo.indexOf(':');
            out.append(colon >= 0 ? userInfo.substring(0, colon) + ":***" : "***").append('@');
            authority = authority.substring(at + 1);
        }
        out.append(authority);
        if (url.getRawPath() != null) {
            out.append(url.getRawPath());
        }
        if (url.getRawQuery() != null) {
            out.append("?***");
        }
        return out.toString();
    }

    /** @return the URL without user info and fragment: what the request goes to */
    static URI target(URI url) {
        String authority = url.getRawAuthority();
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        return URI.create(url.getScheme() + "://" + authority + (url.getRawPath() == null ? "" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    /** @return an {@code Authorization: Basic} value made of the URL's user info, when it has any */
    static Optional<String> basicAuthorization(URI url) {
        String userInfo = url.getUserInfo();
        if (userInfo == null) {
            return Optional.empty();
        }
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }
}
