package dev.tandem.node.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;
import java.util.Locale;

/**
 * The node's logging, set up in code when logging starts: one console appender in the format asked for,
 * {@code text} (the default, {@link #TEXT_PATTERN}) or {@code json} (one JSON object a line, logback's
 * {@link JsonEncoder}, for log shippers), and the same levels in both, so the two formats never disagree about
 * what is logged. The format comes from the system property {@code tandem.log.format}, else the environment
 * variable {@code TANDEM_LOG_FORMAT} (docs/operations.md, "Logs"). Logback finds this class through
 * {@code META-INF/services} and asks no other configurator after it: reading an XML file costs the start-up of
 * every node about a hundred classes of XML parser and a tenth of a second (docs/operations.md, "Memory and
 * start-up").
 *
 * <p>An unknown format is reported on standard error and falls back to text: logging starts before the program
 * can refuse to run, and a node that logs in the wrong format is better than no node.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogFormat extends ContextAwareBase implements Configurator {
    public static final String PROPERTY = "tandem.log.format";
    public static final String ENVIRONMENT = "TANDEM_LOG_FORMAT";
    /** A text line: time with its offset, level, the logger's simple name, the message. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%logger{0}] %msg%n";

    /** The format asked for: "text" or "json"; anything else is reported and read as "text". */
    static String requested(String property, String environment) {
        String v = property != null && !property.isBlank() ? property : environment;
        if (v == null || v.isBlank()) return "text";
        String f = v.strip().toLowerCase(Locale.ROOT);
        if (f.equals("text") || f.equals("json")) return f;
        System.err.println("tandem: log format '" + v + "' (" + (property != null && !property.isBlank()
                ? "-D" + PROPERTY : ENVIRONMENT) + ") is not known; allowed: text or json. Logging as text.");
        return "text";
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        configure(context, requested(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT)));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets up {@code context} to log in {@code format}, "text" or "json". */
    static void configure(LoggerContext context, String format) {
        boolean json = format.equals("json");
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("OUT");
        console.setEncoder(json ? json(context) : text(context));
        console.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        // Libraries speak only when something is wrong; the node logs what they did that an operator needs.
        for (String quiet : List.of("org.eclipse.jetty", "io.javalin", "io.netty")) {
            context.getLogger(quiet).setLevel(Level.WARN);
        }
        // A store outage breaks every pooled connection, and the pool logs each with its stack trace; the store's
        // watcher logs the outage once when it starts and once when it ends (docs/store.md).
        context.getLogger("com.zaxxer.hikari.pool.ProxyConnection").setLevel(Level.ERROR);
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        // One object a line with timestamp, level, thread, logger and the message as printed; the raw template and
        // its arguments, sequence numbers and the context's properties only repeat what is there.
        json.setWithFormattedMessage(true);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.start();
        return json;
    }
}
