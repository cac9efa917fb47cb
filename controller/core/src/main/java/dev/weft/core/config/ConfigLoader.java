package dev.weft.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads Weft's YAML config strictly: unknown keys, wrong types and malformed values are errors
 * naming the file, the line and what is wrong.
 */
public final class ConfigLoader {

    private static final ObjectMapper MAPPER = newMapper(new YAMLFactory());

    private ConfigLoader() {
    }

    /** A mapper with Weft's conventions: kebab-case keys, unknown keys rejected, durations as text. */
    public static ObjectMapper newMapper(YAMLFactory factory) {
        SimpleModule durations = new SimpleModule("weft-durations");
        durations.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = p.getValueAsString();
                if (text == null) {
                    return (Duration) ctx.handleUnexpectedToken(Duration.class, p);
                }
                try {
                    return Durations.parse(text);
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, e.getMessage(), text, Duration.class);
                }
            }
        });
        return JsonMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) // a second document is not ignored
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(durations)
                .build();
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * The largest config file read (3 MiB, SnakeYAML's own limit): a bigger one is refused before
     * a byte of it is parsed. The largest line: one value longer than this is no configuration, and
     * a single huge scalar is what makes YAML parsing slow (a 1 MB line takes seconds).
     */
    public static final int MAX_FILE_BYTES = 3 << 20;
    public static final int MAX_LINE_CHARS = 64 << 10;
    private static final java.util.regex.Pattern TENANTS_KEY =
            java.util.regex.Pattern.compile("(?m)^[\"']?tenants[\"']?[ \t]*:");
    private static final java.util.regex.Pattern NO_TENANTS =
            java.util.regex.Pattern.compile("(?m)^[\"']?tenants[\"']?[ \t]*:[ \t]*\\[[ \t]*\\][ \t]*(#.*)?$");

    public static WeftConfig load(Path file) {
        return parse(read(file), file.toString());
    }

    /**
     * The text of a config file, refused with a one-line error when it is larger than
     * {@link #MAX_FILE_BYTES} (told by its size, before it is read) or not UTF-8 (at the line and
     * column of the first bad byte).
     */
    public static String read(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw tooLarge(source, size);
            }
            try (java.io.InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, "no such file");
        } catch (IOException e) {
            throw new ConfigException(source, "cannot read: " + e.getMessage());
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw tooLarge(source, bytes.length); // it grew while being read
        }
        java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult r = utf8.decode(in, out, true);
        if (r.isError()) {
            out.flip();
            String before = out.toString();
            int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
            int col = before.length() - before.lastIndexOf('\n');
            throw new ConfigException(source, line, col, "not UTF-8 text (byte " + in.position() + " of the file)");
        }
        out.flip();
        return out.toString();
    }

    private static ConfigException tooLarge(String source, long size) {
        return new ConfigException(source, "the file is " + size + " bytes; a config file may have at most "
                + MAX_FILE_BYTES + " (3 MiB): it was not read");
    }

    public static WeftConfig parse(String yaml, String source) {
        if (yaml.length() > MAX_FILE_BYTES) {
            throw tooLarge(source, yaml.length());
        }
        checkLines(yaml, source);
        if (yaml.isBlank()) {
            return new WeftConfig(source, null, null);
        }
        try {
            return MAPPER.readValue(yaml, FileShape.class).toConfig(source, yaml);
        } catch (JsonProcessingException e) {
            throw explain(source, e, "", yaml);
        }
    }

    /** Refuse a line over {@link #MAX_LINE_CHARS} at its place, before the YAML parser spends seconds on it. */
    private static void checkLines(String yaml, String source) {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= yaml.length(); i++) {
            if (i == yaml.length() || yaml.charAt(i) == '\n') {
                if (i - start > MAX_LINE_CHARS) {
                    throw new ConfigException(source, line, MAX_LINE_CHARS + 1, "this line is " + (i - start)
                            + " characters long; a line may have at most " + MAX_LINE_CHARS
                            + " (write a long list one item a line)");
                }
                line++;
                start = i + 1;
            }
        }
    }

    /**
     * Whether the text has a top-level {@code tenants:} key (even {@code tenants: []}): a file
     * that says nothing about tenants is not taken as "remove them all" on reload.
     */
    public static boolean declaresTenants(String yaml) {
        return TENANTS_KEY.matcher(yaml).find();
    }

    /**
     * Whether the text says in so many words that there are no tenants: {@code tenants: []}. A
     * {@code tenants:} with nothing after it (a file cut just there) does not.
     */
    public static boolean saysNoTenants(String yaml) {
        return NO_TENANTS.matcher(yaml).find();
    }

    /** Line and column (from 1) of the character at {@code index}. */
    private static int[] lineAndColumn(String text, int index) {
        int line = 1;
        int start = 0;
        for (int i = 0; i < Math.min(index, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                start = i + 1;
            }
        }
        return new int[]{line, index - start + 1};
    }

    /**
     * An error about the value at {@code pointer} (e.g. {@code /controller/listen}) of the file
     * {@code source}, at its line and column when the file can be read (errors found after
     * loading, when the text is no longer at hand).
     */
    public static ConfigException error(String source, String pointer, String problem) {
        try {
            Path p = Path.of(source);
            if (Files.isRegularFile(p) && Files.size(p) <= MAX_FILE_BYTES) {
                String text = Files.readString(p);
                for (String at = pointer; !at.isEmpty(); at = at.substring(0, at.lastIndexOf('/'))) {
                    Optional<JsonLocation> loc = YamlLocator.find(text, com.fasterxml.jackson.core.JsonPointer.compile(at));
                    if (loc.isPresent()) {
                        return new ConfigException(source, loc.get().getLineNr(), loc.get().getColumnNr(), problem);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no place then: the message stands on its own
        }
        return new ConfigException(source, problem);
    }

    /** Bind one app's section to its config type, with the same strictness as the file. */
    public static <T> T bind(String source, String path, JsonNode node, Class<T> type) {
        try {
            JsonNode n = node == null || node.isNull() ? MAPPER.createObjectNode() : node;
            return MAPPER.treeToValue(n, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // The section is a tree by now (no lines): the place is found again in the file.
            String at = "/" + path.replace('.', '/');
            if (e instanceof JsonProcessingException jpe) {
                ConfigException ce = explain(source, jpe, path, null);
                if (jpe instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
                    at += pointer(jme).toString();
                }
                throw ce.line() > 0 ? ce : error(source, at, ce.problem());
            }
            throw error(source, at, path + ": " + e.getMessage());
        }
    }

    /** The shape of the whole file. */
    private record FileShape(ControllerSection controller, java.util.Map<String, JsonNode> apps,
                             java.util.List<TenantDocs.Node> transportNodes,
                             java.util.List<TenantDocs.External> externalNetworks,
                             java.util.List<TenantDocs.VlanGateway> vlanGateways,
                             java.util.List<TenantDocs.Tenant> tenants, TopologySection topology, RestSection rest,
                             ConsoleSection console, OvsdbSection ovsdb, ClusterSection cluster) {
        WeftConfig toConfig(String source, String yaml) {
            ConfigRanges.check(new ConfigPlaces(source, yaml), controller, rest);
            return new WeftConfig(source, controller, apps,
                    TenantValidator.validate(source, yaml, transportNodes, externalNetworks, tenants, vlanGateways),
                    topology, rest,
                    console, ovsdb, cluster);
        }
    }

    static ConfigException explain(String source, JsonProcessingException e, String prefix, String yaml) {
        JsonLocation loc = e.getLocation();
        if (yaml != null && e instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
            loc = YamlLocator.find(yaml, pointer(jme)).orElse(loc);
        }
        int line = loc == null ? -1 : loc.getLineNr();
        int col = loc == null ? -1 : loc.getColumnNr();
        String where = e instanceof JsonMappingException jme ? path(prefix, jme) : prefix;
        String problem;
        Throwable yamlError = e;
        while (yamlError != null && !(yamlError instanceof org.yaml.snakeyaml.error.MarkedYAMLException)
                && !(yamlError instanceof org.yaml.snakeyaml.reader.ReaderException)) {
            yamlError = yamlError.getCause();
        }
        if (yamlError instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
            // The YAML parser's own words, on one line, at the place of the problem (its message
            // spreads over lines with the text quoted and a caret under it).
            org.yaml.snakeyaml.error.Mark at = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
            if (at != null) {
                line = at.getLine() + 1;
                col = at.getColumn() + 1;
            }
            String said = (m.getContext() == null ? "" : m.getContext() + ": ")
                    + (m.getProblem() == null ? "" : m.getProblem());
            problem = "not valid YAML: " + said.replaceAll("\\s*\\n\\s*", " ").trim();
            return new ConfigException(source, line, col, problem);
        }
        if (yamlError instanceof org.yaml.snakeyaml.reader.ReaderException r && yaml != null) {
            int[] lc = lineAndColumn(yaml, r.getPosition());
            return new ConfigException(source, lc[0], lc[1], "not valid YAML: character U+"
                    + String.format(java.util.Locale.ROOT, "%04X", r.getCodePoint()) + " is not allowed in YAML");
        }
        if (e instanceof MismatchedInputException t && t.getOriginalMessage() != null
                && t.getOriginalMessage().startsWith("Trailing token")) {
            return new ConfigException(source, line, col, "a second YAML document: a config file is one document "
                    + "(remove the '---' and what follows, or merge it into the first)");
        }
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Expected a field name")) {
            return new ConfigException(source, line, col, (where.isEmpty() ? "" : where + ": ")
                    + "a key must be a name, not a list or a section ('? [a, b]: c' is not a key)");
        }
        if (e instanceof UnrecognizedPropertyException u) {
            problem = "unknown key '" + u.getPropertyName() + "'" + (where.isEmpty() ? "" : " in " + parentOf(where))
                    + "; known keys: " + known(u.getKnownPropertyIds());
        } else if (e instanceof InvalidFormatException f) {
            problem = (where.isEmpty() ? "" : where + ": ") + "bad value '" + f.getValue() + "'"
                    + (f.getOriginalMessage() != null && f.getTargetType() == Duration.class
                    ? " (" + f.getOriginalMessage() + ")" : " (expected " + simpleType(f.getTargetType()) + ")");
        } else if (e instanceof MismatchedInputException m) {
            problem = (where.isEmpty() ? "" : where + ": ") + "expected " + simpleType(m.getTargetType());
        } else if (e instanceof JsonMappingException m && m.getCause() instanceof IllegalArgumentException iae) {
            problem = (where.isEmpty() ? "" : where + ": ") + iae.getMessage();
        } else {
            problem = (where.isEmpty() ? "" : where + ": ") + e.getOriginalMessage();
        }
        return new ConfigException(source, line, col, problem);
    }

    private static com.fasterxml.jackson.core.JsonPointer pointer(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            b.append('/');
            if (r.getFieldName() != null) {
                b.append(r.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else {
                b.append(r.getIndex());
            }
        }
        return com.fasterxml.jackson.core.JsonPointer.compile(b.toString());
    }

    private static String path(String prefix, JsonMappingException e) {
        StringBuilder b = new StringBuilder(prefix);
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String parentOf(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "the top level" : path.substring(0, dot);
    }

    private static String known(Collection<Object> ids) {
        return ids == null ? "?" : ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String simpleType(Class<?> t) {
        if (t == null) {
            return "another type";
        }
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "a whole number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "text";
        }
        if (Collection.class.isAssignableFrom(t)) {
            return "a list";
        }
        if (t == Duration.class) {
            return "a duration such as 5s";
        }
        if (t.isRecord() || java.util.Map.class.isAssignableFrom(t)) {
            return "a section of keys";
        }
        return t.getSimpleName();
    }
}
