package dev.tandem.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names the shipped alert rules and Grafana dashboard query, and those a node's /metrics exposes. */
final class MonitoredNames {
    private static final Pattern NAME = Pattern.compile("\\btandem_[a-z0-9_]+");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

    private MonitoredNames() {}

    static List<String> ruleExpressions(Path rules) throws IOException {
        List<String> out = new ArrayList<>();
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(rules.toFile());
        for (JsonNode g : root.get("groups")) for (JsonNode r : g.get("rules")) out.add(r.get("expr").asText());
        return out;
    }

    static List<String> dashboardExpressions(Path dashboard) throws IOException {
        List<String> out = new ArrayList<>();
        JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
        for (JsonNode p : root.get("panels")) for (JsonNode t : p.get("targets")) out.add(t.get("expr").asText());
        for (JsonNode v : root.at("/templating/list")) if (v.has("datasource")) out.add(v.get("query").asText());
        return out;
    }

    static Set<String> namesIn(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String e : expressions) {
            Matcher m = NAME.matcher(e);
            while (m.find()) names.add(m.group());
        }
        return names;
    }

    /** The names of the samples in a Prometheus text exposition. */
    static Set<String> exposed(String metrics) {
        Set<String> names = new TreeSet<>();
        for (String line : metrics.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) names.add(m.group(1));
        }
        return names;
    }
}
