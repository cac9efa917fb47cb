package dev.weft.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.Optional;

/**
 * Finds where a key is in a YAML text. Jackson reports some binding errors (records bound
 * through their constructor) at the end of the enclosing section; this re-reads the text with
 * the streaming parser to point at the key itself.
 */
final class YamlLocator {
    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlLocator() {
    }

    /** The location of the key (or array element) at {@code pointer}, e.g. {@code /controller/lisen}. */
    static Optional<JsonLocation> find(String yaml, JsonPointer pointer) {
        try (JsonParser p = YAML.createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME || p.getParsingContext().inArray()) {
                    if (p.getParsingContext().pathAsPointer().equals(pointer)) {
                        return Optional.of(p.currentTokenLocation());
                    }
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
