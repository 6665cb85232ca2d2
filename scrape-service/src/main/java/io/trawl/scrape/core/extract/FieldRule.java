package io.trawl.scrape.core.extract;

/**
 * One field to extract: the text of the first element matching {@code selector}, or, when {@code attr} is
 * set, that attribute's value (URL attributes made absolute).
 *
 * @param selector CSS selector, relative to the item
 * @param attr     attribute to read instead of the text, or null
 */
public record FieldRule(String selector, String attr) {
}
