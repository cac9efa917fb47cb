package dev.weft.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The sections of a config file that a cluster shares ({@code transport-nodes},
 * {@code external-networks}, {@code vlan-gateways}, {@code tenants}) apart from those that belong
 * to one instance ({@code controller}, {@code rest}, {@code cluster}, {@code apps}, ...): taken out
 * of a file as a document of their own, and put back into a file in place of its own. Comments
 * are kept where SnakeYAML can keep them; the result is always checked to read back as exactly
 * the intended document, else it is written plainly (without comments).
 */
public final class SharedSections {
    /** The top-level keys shared by a cluster's instances. */
    public static final Set<String> KEYS = Set.of("transport-nodes", "external-networks", "vlan-gateways", "tenants");
    private static final ObjectMapper TREE = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private SharedSections() {
    }

    /** The shared sections of {@code fileText}, as a document of their own (empty text when it has none). */
    public static String extract(String fileText) {
        ObjectNode expected = only(tree(fileText), true);
        if (expected.isEmpty()) {
            return "";
        }
        String kept = render(fileText, null);
        return kept != null && expected.equals(tree(kept)) ? kept : plain(expected);
    }

    /** {@code fileText} with its shared sections replaced by those of {@code shared}. */
    public static String merge(String fileText, String shared) {
        ObjectNode expected = only(tree(fileText), false);
        expected.setAll(only(tree(shared), true));
        String kept = render(fileText, shared);
        return kept != null && expected.equals(tree(kept)) ? kept : plain(expected);
    }

    /** Whether two documents have the same shared sections (comments and layout aside). */
    public static boolean same(String a, String b) {
        return only(tree(a), true).equals(only(tree(b), true));
    }

    private static ObjectNode tree(String text) {
        try {
            JsonNode n = text == null || text.isBlank() ? null : TREE.readTree(text);
            return n instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        } catch (IOException e) {
            throw new IllegalArgumentException("not a YAML mapping: " + e.getMessage(), e);
        }
    }

    private static ObjectNode only(ObjectNode all, boolean shared) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        all.properties().forEach(e -> {
            if (KEYS.contains(e.getKey()) == shared) {
                o.set(e.getKey(), e.getValue());
            }
        });
        return o;
    }

    private static String plain(ObjectNode doc) {
        try {
            return doc.isEmpty() ? "" : TREE.writeValueAsString(doc);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write YAML: " + e.getMessage(), e);
        }
    }

    /**
     * With comments: {@code shared == null}: only the shared sections of {@code fileText};
     * otherwise {@code fileText}'s own sections followed by those of {@code shared}. Null when it
     * cannot be done this way.
     */
    private static String render(String fileText, String shared) {
        try {
            Yaml y = yaml();
            MappingNode root = mapping(y, fileText);
            if (root == null) {
                return null;
            }
            List<NodeTuple> tuples = new ArrayList<>();
            for (NodeTuple t : root.getValue()) {
                boolean isShared = t.getKeyNode() instanceof ScalarNode k && KEYS.contains(k.getValue());
                if (isShared == (shared == null)) {
                    tuples.add(t);
                }
            }
            if (shared != null) {
                MappingNode other = mapping(y, shared);
                if (other == null) {
                    return null;
                }
                tuples.addAll(other.getValue());
            }
            if (tuples.isEmpty()) {
                return "";
            }
            root.setValue(tuples);
            StringWriter w = new StringWriter();
            y.serialize(root, w);
            return w.toString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static MappingNode mapping(Yaml y, String text) {
        Node n = text == null || text.isBlank() ? null : y.compose(new StringReader(text));
        if (n == null) {
            return new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
        }
        return n instanceof MappingNode m ? m : null;
    }

    private static Yaml yaml() {
        LoaderOptions lo = new LoaderOptions();
        lo.setProcessComments(true);
        DumperOptions d = new DumperOptions();
        d.setProcessComments(true);
        d.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        d.setIndent(2);
        d.setIndicatorIndent(2);
        d.setIndentWithIndicator(true);
        d.setWidth(120);
        return new Yaml(lo, d);
    }
}
