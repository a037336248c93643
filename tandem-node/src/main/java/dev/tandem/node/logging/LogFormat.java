package dev.tandem.node.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.URL;
import java.util.Iterator;
import java.util.Locale;

/**
 * Chooses the log format when logging starts: {@code text} (the pattern of logback.xml, the default) or
 * {@code json} (one JSON object a line, logback's {@link JsonEncoder}, for log shippers). The format comes from
 * the system property {@code tandem.log.format}, else the environment variable {@code TANDEM_LOG_FORMAT}
 * (docs/operations.md, "Logs"). Logback finds this class through {@code META-INF/services}; it runs before
 * logback reads logback.xml.
 *
 * <p>JSON keeps logback.xml's levels and appenders and only swaps the console encoder, so the two formats never
 * disagree about what is logged. An unknown value is reported on standard error and falls back to text: logging
 * starts before the program can refuse to run, and a node that logs in the wrong format is better than no node.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogFormat extends ContextAwareBase implements Configurator {
    public static final String PROPERTY = "tandem.log.format";
    public static final String ENVIRONMENT = "TANDEM_LOG_FORMAT";

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
        if (!requested(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT)).equals("json")) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        URL xml = LogFormat.class.getClassLoader().getResource("logback.xml");
        if (xml == null) return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        try {
            JoranConfigurator joran = new JoranConfigurator();
            joran.setContext(context);
            joran.doConfigure(xml);
        } catch (JoranException e) {
            addError("cannot read " + xml + "; logging with the defaults", e);
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) toJson(context, console);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static void toJson(LoggerContext context, ConsoleAppender<ILoggingEvent> console) {
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
        console.stop();
        console.setEncoder(json);
        console.start();
    }
}
