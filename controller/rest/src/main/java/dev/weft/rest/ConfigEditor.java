package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.ReloadResult;
import dev.weft.core.config.SharedConfig;
import dev.weft.core.config.WeftConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Changes the tenant part of the config file the way a person would: read the file, add or
 * remove one entry, validate the whole new document with the config loader (the same checks
 * and the same words as at start or reload), write it atomically (a temporary file in the same
 * directory, flushed to disk, then renamed over the file), and put it in force. Not thread-safe:
 * {@link RestApi} runs every change on one thread.
 *
 * <p>Comments and layout are kept where SnakeYAML can keep them (the document is edited as a
 * node tree with its comments). The result is always checked: it must read back as exactly the
 * old document plus the change; if the comment-keeping rendering does not, the document is
 * written plainly (its comments are then lost, and this is logged).
 */
final class ConfigEditor {
    private static final Logger log = LoggerFactory.getLogger(ConfigEditor.class);
    private static final ObjectMapper YAML_TREE = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));
    private static final Pattern PATH = Pattern.compile(
            "((?:tenants|transport-nodes)(?:\\[\\d+])?(?:\\.[a-z-]+(?:\\[\\d+])?)*)");


    /** One level down: in the list {@code list} of the current node, the entry named {@code name}. */
    record Step(String list, String name, String kind) {
    }

    /**
     * A change: under {@code parents}, in the list {@code list}, add {@code add} (an entry as the
     * file writes it) or remove the entry named {@code remove}. {@code describe} names the parent
     * for messages, e.g. {@code network acme/web}.
     */
    record Edit(List<Step> parents, String list, String kind, JsonNode add, String remove) {
        static Edit add(List<Step> parents, String list, String kind, JsonNode entry) {
            return new Edit(parents, list, kind, entry, null);
        }

        static Edit remove(List<Step> parents, String list, String kind, String name) {
            return new Edit(parents, list, kind, null, name);
        }
    }

    /** A change made: the new configuration, what applying it did, and where the entry is (e.g. {@code tenants[2]}). */
    record Outcome(WeftConfig config, ReloadResult applied, String path, boolean commentsKept, long version) {
    }

    /** How often a write is redone on the newer version when other instances' writes keep landing first. */
    static final int ATTEMPTS = 20;

    private final ConfigStores.Store store;

    ConfigEditor(Path file, ConfigStores.Applier applier) {
        this.store = new ConfigStores.FileStore(file, applier);
    }

    /** Changes go to a cluster's shared config: each is made on its latest version, compare-and-set. */
    ConfigEditor(SharedConfig shared) {
        this.store = new ConfigStores.SharedStore(shared);
    }

    boolean shared() {
        return store instanceof ConfigStores.SharedStore;
    }

    /** The file or the shared config changed. */
    String where() {
        return store.where();
    }

    /**
     * Make the change on the latest text. When another writer lands first (another instance of a
     * cluster), the change is made again on what it wrote, as it would have been queued behind it
     * on one instance: two adds of the same name end with one added and the other refused.
     */
    Outcome apply(Edit edit) {
        for (int attempt = 1; ; attempt++) {
            SharedConfig.Versioned base = store.read();
            Candidate c = candidate(base.text(), edit);
            Optional<ReloadResult> applied = store.commit(base, c.text(), c.config());
            if (applied.isPresent()) {
                return new Outcome(c.config(), applied.get(), c.path(), c.commentsKept(), base.version() + 1);
            }
            if (attempt == ATTEMPTS) {
                throw ApiException.conflict("the shared config changed " + ATTEMPTS + " times while this change was "
                        + "being made; nothing was written: try again", null);
            }
        }
    }

    private record Candidate(String text, WeftConfig config, String path, boolean commentsKept) {
    }

    private Candidate candidate(String text, Edit edit) {
        String source = store.where();
        try {
            ConfigLoader.parse(text, source);
        } catch (ConfigException e) {
            throw ApiException.conflict((shared() ? "the shared config" : "the config file") + " is not valid as it is "
                    + "now, so it cannot be changed; fix it first: " + e.getMessage(), null);
        }
        JsonNode before;
        try {
            before = text.isBlank() ? JsonNodeFactory.instance.objectNode() : YAML_TREE.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("the config parsed once but not twice: " + e.getMessage(), e);
        }
        if (before == null || before.isMissingNode() || before.isNull()) {
            before = JsonNodeFactory.instance.objectNode();
        }
        JsonNode expected = before.deepCopy();
        String path = editTree((ObjectNode) expected, edit);

        String candidate = renderKeepingComments(text, edit);
        boolean commentsKept = candidate != null && sameTree(candidate, expected);
        if (!commentsKept) {
            try {
                candidate = YAML_TREE.writeValueAsString(expected);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write the config as YAML: " + e.getMessage(), e);
            }
            if (!sameTree(candidate, expected)) {
                throw new IllegalStateException("the new config would not read back as written");
            }
            log.warn("{}: the change could not be made keeping the comments and layout; it is written without them",
                    source);
        }
        try {
            return new Candidate(candidate, ConfigLoader.parse(candidate, source), path, commentsKept);
        } catch (ConfigException e) {
            throw toApi(e, edit.add() != null ? path : null);
        }
    }

    // ---- the change on a plain tree (what the result must read back as) ------------------------

    private String editTree(ObjectNode root, Edit edit) {
        ObjectNode at = root;
        StringBuilder path = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (Step s : edit.parents()) {
            JsonNode list = at.get(s.list());
            int i = list != null && list.isArray() ? indexOf((ArrayNode) list, s.name()) : -1;
            if (i < 0) {
                throw ApiException.notFound(notFound(s.kind(), s.name(), names));
            }
            at = (ObjectNode) list.get(i);
            path.append(path.isEmpty() ? "" : ".").append(s.list()).append('[').append(i).append(']');
            names.add(s.name());
        }
        JsonNode list = at.get(edit.list());
        if (edit.add() != null) {
            ArrayNode arr;
            if (list != null && list.isArray()) {
                arr = (ArrayNode) list;
            } else if (list == null || list.isNull()) {
                arr = at.putArray(edit.list());
            } else {
                throw ApiException.conflict(String.join("/", names) + ": '" + edit.list()
                        + "' in the config file is not a list", null);
            }
            arr.add(edit.add().deepCopy());
            return path + (path.isEmpty() ? "" : ".") + edit.list() + "[" + (arr.size() - 1) + "]";
        }
        int i = list != null && list.isArray() ? indexOf((ArrayNode) list, edit.remove()) : -1;
        if (i < 0) {
            throw ApiException.notFound(notFound(edit.kind(), edit.remove(), names));
        }
        ((ArrayNode) list).remove(i);
        return path + (path.isEmpty() ? "" : ".") + edit.list() + "[" + i + "]";
    }

    static String notFound(String kind, String name, List<String> parents) {
        return switch (parents.size()) {
            case 0 -> "no " + kind + " '" + name + "'";
            case 1 -> "tenant '" + parents.get(0) + "' has no " + kind + " '" + name + "'";
            default -> "network " + String.join("/", parents) + " has no " + kind + " '" + name + "'";
        };
    }

    private static int indexOf(ArrayNode list, String name) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            if (n != null && n.isObject() && name.equals(n.path("name").asText(null))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean sameTree(String yaml, JsonNode expected) {
        try {
            JsonNode got = yaml.isBlank() ? JsonNodeFactory.instance.objectNode() : YAML_TREE.readTree(yaml);
            return expected.equals(got);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // ---- the same change on the document with its comments ---------------------------------------

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

    /** The edited document with its comments, or null when it cannot be done this way. */
    private static String renderKeepingComments(String text, Edit edit) {
        try {
            Yaml y = yaml();
            Node root = text.isBlank() ? null : y.compose(new StringReader(text));
            if (root == null) {
                root = new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
            }
            if (!(root instanceof MappingNode at)) {
                return null;
            }
            for (Step s : edit.parents()) {
                Node list = value(at, s.list());
                Node item = list instanceof SequenceNode seq ? byName(seq, s.name()) : null;
                if (!(item instanceof MappingNode m)) {
                    return null;
                }
                at = m;
            }
            Node list = value(at, edit.list());
            if (edit.add() != null) {
                SequenceNode seq;
                if (list instanceof SequenceNode s) {
                    seq = s;
                } else {
                    seq = new SequenceNode(Tag.SEQ, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
                    List<NodeTuple> tuples = at.getValue();
                    tuples.removeIf(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(edit.list()));
                    tuples.add(new NodeTuple(new ScalarNode(Tag.STR, edit.list(), null, null,
                            DumperOptions.ScalarStyle.PLAIN), seq));
                }
                Object plain = new ObjectMapper().convertValue(edit.add(), Object.class);
                Node entry = y.represent(plain);
                compact(entry, null);
                seq.getValue().add(entry);
            } else {
                if (!(list instanceof SequenceNode seq) || !seq.getValue().remove(byName(seq, edit.remove()))) {
                    return null;
                }
            }
            StringWriter w = new StringWriter();
            y.serialize(root, w);
            return w.toString();
        } catch (RuntimeException e) {
            log.debug("keeping comments failed", e);
            return null;
        }
    }

    /** Lists of plain values and bindings on one line, as the example configs write them. */
    private static void compact(Node n, String key) {
        if (n instanceof SequenceNode s) {
            if (!s.getValue().isEmpty() && s.getValue().stream().allMatch(x -> x instanceof ScalarNode)) {
                s.setFlowStyle(DumperOptions.FlowStyle.FLOW);
            }
            s.getValue().forEach(x -> compact(x, null));
        } else if (n instanceof MappingNode m) {
            if ("binding".equals(key)) {
                m.setFlowStyle(DumperOptions.FlowStyle.FLOW);
            }
            for (NodeTuple t : m.getValue()) {
                compact(t.getValueNode(), t.getKeyNode() instanceof ScalarNode k ? k.getValue() : null);
            }
        }
    }

    private static Node value(MappingNode m, String key) {
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static Node byName(SequenceNode seq, String name) {
        for (Node n : seq.getValue()) {
            if (n instanceof MappingNode m && value(m, "name") instanceof ScalarNode s && s.getValue().equals(name)) {
                return n;
            }
        }
        return null;
    }

    // ---- writing ---------------------------------------------------------------------------------

    // ---- errors ----------------------------------------------------------------------------------

    /** A loader error as an API error: 409 for a clash, else 400; the field relative to the new entry when inside it. */
    static ApiException toApi(ConfigException e, String newEntry) {
        String problem = e.problem();
        String field = fieldOf(problem);
        if (field != null && newEntry != null && (field.equals(newEntry) || field.startsWith(newEntry + "."))) {
            field = field.substring(newEntry.length());
            field = field.startsWith(".") ? field.substring(1) : field;
        }
        Matcher unknown = Pattern.compile("^unknown key '([^']*)'").matcher(problem);
        if (unknown.find()) {
            field = (field == null || field.isEmpty() ? "" : field + ".") + unknown.group(1);
        }
        if (field != null && field.isEmpty()) {
            field = null;
        }
        return e.conflict() ? ApiException.conflict(problem, field) : ApiException.invalid(problem, field);
    }

    /** The config path a loader message is about ({@code tenants[1].networks[0].segment}), or null. */
    static String fieldOf(String problem) {
        Matcher m = PATH.matcher(problem);
        return m.find() ? m.group(1) : null;
    }
}
