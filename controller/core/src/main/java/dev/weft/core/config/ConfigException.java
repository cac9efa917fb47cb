package dev.weft.core.config;

/**
 * A configuration that cannot be used, with where (file, line, column when known) and a sentence
 * a person understands. The message is complete as it is: print it, do not wrap it.
 */
public final class ConfigException extends RuntimeException {
    private final String source;
    private final int line;
    private final int column;
    private final String problem;
    private final boolean conflict;

    public ConfigException(String source, int line, int column, String problem) {
        this(source, line, column, problem, false);
    }

    /** {@code conflict}: the value clashes with another one (a duplicate name or id), see {@link #conflict()}. */
    public ConfigException(String source, int line, int column, String problem, boolean conflict) {
        super(format(source, line, column, problem));
        this.source = source;
        this.line = line;
        this.column = column;
        this.problem = problem;
        this.conflict = conflict;
    }

    public ConfigException(String source, String problem) {
        this(source, -1, -1, problem);
    }

    private static String format(String source, int line, int column, String problem) {
        StringBuilder b = new StringBuilder(source);
        if (line > 0) {
            b.append(':').append(line);
            if (column > 0) {
                b.append(':').append(column);
            }
        }
        return b.append(": ").append(problem).toString();
    }

    public String source() {
        return source;
    }

    /** 1-based line, or -1 when the problem has no single place. */
    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the place: {@code path: what is wrong}. */
    public String problem() {
        return problem;
    }

    /**
     * Whether the problem is a clash with something else in the file (a duplicate name, segment
     * id, interface, MAC or address) rather than a malformed value: the REST API answers 409.
     */
    public boolean conflict() {
        return conflict;
    }
}
