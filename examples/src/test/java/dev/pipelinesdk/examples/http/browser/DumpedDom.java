package dev.pipelinesdk.examples.http.browser;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of an HTML reader to check a DOM that Chromium serialised with {@code --dump-dom}: find an
 * element by id, class or attribute, read its attributes and its text. Chromium writes well-formed, quoted
 * markup, so a tag scanner with nesting suffices; this is not a general HTML parser.
 */
final class DumpedDom {

    private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\\s+[^>]*?)?)(/?)>");
    private static final Pattern ATTR = Pattern.compile("([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:=\"([^\"]*)\")?");

    private final String tag;
    private final String attributes;
    private final String inner;

    private DumpedDom(String tag, String attributes, String inner) {
        this.tag = tag;
        this.attributes = attributes;
        this.inner = inner;
    }

    /** The whole document. */
    static DumpedDom of(String html) {
        return new DumpedDom("#document", "", html);
    }

    /** The first element inside this one with the given id. */
    DumpedDom byId(String id) {
        return find("id", id, false).orElseThrow(() -> new AssertionError("no element #" + id + " in " + this));
    }

    /** The first element inside this one with the given class. */
    DumpedDom byClass(String cls) {
        return find("class", cls, true).orElseThrow(() -> new AssertionError("no element ." + cls + " in " + this));
    }

    /** The first element inside this one whose attribute has exactly the given value. */
    DumpedDom byAttribute(String name, String value) {
        return find(name, value, false)
                .orElseThrow(() -> new AssertionError("no element [" + name + "=\"" + value + "\"] in " + this));
    }

    /** An attribute's value, unescaped; empty when the element does not have it. */
    Optional<String> attribute(String name) {
        Matcher m = ATTR.matcher(attributes);
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase(name)) {
                return Optional.of(m.group(2) == null ? "" : unescape(m.group(2)));
            }
        }
        return Optional.empty();
    }

    boolean hasAttribute(String name) {
        return attribute(name).isPresent();
    }

    /** The text inside, tags removed, entities resolved and white space collapsed. */
    String text() {
        return unescape(inner.replaceAll("<[^>]*>", " ")).replaceAll("\\s+", " ").strip();
    }

    /** The markup inside, as dumped. */
    String innerHtml() {
        return inner;
    }

    private Optional<DumpedDom> find(String attrName, String value, boolean token) {
        Matcher m = TAG.matcher(inner);
        while (m.find()) {
            if (!m.group(1).isEmpty() || !matches(m.group(3), attrName, value, token)) {
                continue;
            }
            String name = m.group(2).toLowerCase();
            int start = m.end();
            if (!m.group(4).isEmpty()) {
                return Optional.of(new DumpedDom(name, m.group(3), ""));
            }
            int depth = 1;
            Matcher rest = TAG.matcher(inner);
            rest.region(start, inner.length());
            while (rest.find()) {
                if (!rest.group(2).equalsIgnoreCase(name) || !rest.group(4).isEmpty()) {
                    continue;
                }
                depth += rest.group(1).isEmpty() ? 1 : -1;
                if (depth == 0) {
                    return Optional.of(new DumpedDom(name, m.group(3), inner.substring(start, rest.start())));
                }
            }
            return Optional.of(new DumpedDom(name, m.group(3), inner.substring(start))); // void element
        }
        return Optional.empty();
    }

    private static boolean matches(String attrs, String attrName, String value, boolean token) {
        Optional<String> actual = new DumpedDom("", attrs, "").attribute(attrName);
        return actual.isPresent() && (token ? Arrays.asList(actual.get().split("\\s+")).contains(value)
                : actual.get().equals(value));
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&nbsp;", " ").replace("&amp;", "&");
    }

    @Override
    public String toString() {
        String text = "<" + tag + attributes + ">" + inner;
        return text.length() <= 600 ? text : text.substring(0, 600) + "…";
    }
}
