package io.scopeenforcer.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures the filter's log lines through java.util.logging, where {@code System.Logger} goes by default: a handler
 * on the logger {@code io.scopeenforcer.servlet.ScopeEnforcementFilter}. Close it to detach.
 */
final class AuditLog extends Handler implements AutoCloseable {

    /** JUL holds loggers weakly: this reference keeps the handler attached for the test's life. */
    private static final Logger LOGGER = Logger.getLogger(ScopeEnforcementFilter.class.getName());

    private final List<String> lines = new ArrayList<>();

    private AuditLog() {
        setLevel(Level.ALL);
    }

    static AuditLog capture() {
        AuditLog log = new AuditLog();
        LOGGER.addHandler(log);
        return log;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        // System.Logger.log(level, msg) hands the finished line over as the message, without parameters.
        lines.add(record.getParameters() == null || record.getParameters().length == 0 ? record.getMessage()
                : java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
    }

    /** The denial lines captured so far ({@code scope-enforcer deny:} and {@code scope-enforcer would_deny:}). */
    synchronized List<String> denials() {
        return lines.stream().filter(l -> l.startsWith("scope-enforcer deny:") || l.startsWith("scope-enforcer would_deny:"))
                .toList();
    }

    /** Every line captured so far. */
    synchronized List<String> all() {
        return List.copyOf(lines);
    }

    synchronized void clear() {
        lines.clear();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        LOGGER.removeHandler(this);
    }
}
