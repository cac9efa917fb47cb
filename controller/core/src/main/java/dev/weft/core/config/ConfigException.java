package dev.weft.core.config;

/**
 * A configuration that cannot be used, with where (file, line, column when known) and a sentence
 * a person understands. The message is complete as it is: print it, do not wrap it.
 */
public final class ConfigException extends RuntimeException {
    private final String source;
    private final int line;
    private final int column;

    public ConfigException(String source, int line, int column, String problem) {
        super(format(source, line, column, problem));
        this.source = source;
        this.line = line;
        this.column = column;
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
}
