package io.trawl.scrape.core.extract;

import java.nio.charset.StandardCharsets;
import org.jsoup.internal.StringUtil;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * An element's normalized text, like {@link Element#text()}, but collected only up to a byte cap: the walk
 * stops as soon as the cap is passed, so the text of a huge subtree (the {@code <body>} of a deep nest) is
 * never built in full. Under the cap the result is exactly {@code element.text()}.
 */
final class BoundedText {

    private BoundedText() {
    }

    static String of(Element element, int maxBytes) {
        StringBuilder accum = new StringBuilder();
        // UTF-8 needs at least one byte per char: collecting maxBytes + 1 chars is enough to know it is over
        int maxChars = maxBytes + 1;
        boolean[] over = {false};
        NodeTraversor.filter(new NodeFilter() {
            @Override
            public FilterResult head(Node node, int depth) {
                if (node instanceof TextNode text) {
                    StringUtil.appendNormalisedWhitespace(accum, text.getWholeText(),
                            accum.length() == 0 || accum.charAt(accum.length() - 1) == ' ');
                } else if (node instanceof Element el && accum.length() > 0
                        && (el.isBlock() || el.nameIs("br")) && accum.charAt(accum.length() - 1) != ' ') {
                    accum.append(' ');
                }
                if (accum.length() > maxChars) {
                    over[0] = true;
                    return FilterResult.STOP;
                }
                return FilterResult.CONTINUE;
            }

            @Override
            public FilterResult tail(Node node, int depth) {
                return FilterResult.CONTINUE;
            }
        }, element);
        if (!over[0]) {
            return element.text(); // small: jsoup's own rules exactly (pre, inline spacing)
        }
        return truncate(accum.toString().strip(), maxBytes);
    }

    /** At most {@code maxBytes} UTF-8 bytes of {@code value}, cut before a whole character (never inside one). */
    static String truncate(String value, int maxBytes) {
        if (value.length() * 3L <= maxBytes || value.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return value;
        }
        int bytes = 0;
        int i = 0;
        while (i < value.length()) {
            int cp = value.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return value.substring(0, i);
    }
}
