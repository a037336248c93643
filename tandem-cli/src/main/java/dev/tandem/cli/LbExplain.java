package dev.tandem.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.Invalid;
import dev.tandem.core.lb.Candidate;
import dev.tandem.core.lb.ClassLoad;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbDecision;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.VpnMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The logic of {@code tandem lb explain}: JSON in, the director's decision ([LB-ABOUT]
 * Algorithm, rules 1 to 4) out. Every bad value is reported with its path, its value and what is allowed.
 */
final class LbExplain {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHAPE = "a JSON object {\"director\": IP, \"members\": [{\"ip\": IP, \"active\": n,"
            + " \"inactive\": n, \"max\": n}, ...]}";
    private static final Set<String> TOP = Set.of("director", "members");
    private static final Set<String> MEMBER = Set.of("ip", "active", "inactive", "max");

    /** Input that is not JSON at all. */
    static final class BadJson extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadJson(String message) {
            super(message);
        }
    }

    private LbExplain() {}

    /** The decision as one line of JSON. */
    static String explain(String input) {
        JsonNode root = parse(input);
        if (!root.isObject()) throw new Invalid("input", root.getNodeType().toString().toLowerCase(), SHAPE);
        unknownFields(root, "", TOP);
        IpAddress director = ip("director", root.get("director"));
        JsonNode members = root.get("members");
        if (members == null || !members.isArray()) {
            throw new Invalid("members", members == null ? null : members.toString(), "a list of members, the director's"
                    + " own entry included");
        }
        List<Candidate> all = new ArrayList<>();
        Map<IpAddress, Integer> seen = new HashMap<>();
        for (int i = 0; i < members.size(); i++) {
            Candidate c = member("members[" + i + "]", members.get(i));
            Integer other = seen.putIfAbsent(c.address(), i);
            if (other != null) {
                throw new Invalid("members[" + i + "].ip", c.address().text(),
                        "an address no other member has (members[" + other + "] has it)");
            }
            all.add(c);
        }
        Candidate self = null;
        List<Candidate> others = new ArrayList<>();
        for (Candidate c : all) {
            if (c.address().equals(director)) self = c; else others.add(c);
        }
        if (self == null) throw new Invalid("director", director.text(), "the ip of one of the members");
        return render(LbDecision.decide(self, others, VpnMode.DISTRIBUTED));
    }

    private static JsonNode parse(String input) {
        if (input == null || input.isBlank()) throw new BadJson("input: empty; expected " + SHAPE);
        try {
            JsonNode n = JSON.readTree(input);
            if (n == null || n.isMissingNode()) throw new BadJson("input: empty; expected " + SHAPE);
            return n;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new BadJson("input: not valid JSON" + where + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
    }

    private static void unknownFields(JsonNode object, String path, Set<String> allowed) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new Invalid(path + name, object.get(name).toString(), "no such field; the fields are "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static IpAddress ip(String field, JsonNode n) {
        if (n == null || n.isNull()) throw new Invalid(field, null, "an IPv4 or IPv6 address");
        if (!n.isTextual()) throw new Invalid(field, n.toString(), "an IPv4 or IPv6 address as a string");
        return IpAddress.parse(field, n.asText());
    }

    private static Candidate member(String path, JsonNode n) {
        if (n == null || !n.isObject()) throw new Invalid(path, n == null ? null : n.toString(), "an object {\"ip\", \"active\","
                + " \"inactive\", \"max\"}");
        unknownFields(n, path + ".", MEMBER);
        IpAddress ip = ip(path + ".ip", n.get("ip"));
        int active = count(path + ".active", n.get("active"), 0);
        int inactive = count(path + ".inactive", n.get("inactive"), 0);
        int max = count(path + ".max", n.get("max"), 1);
        if (active > max) {
            throw new Invalid(path + ".active", active, "a whole number from 0 to max (" + max + ")");
        }
        // [LB-SHOW]: inactive sessions hold licences too, so active and inactive together fit in max.
        if ((long) active + inactive > max) {
            throw new Invalid(path + ".inactive", inactive, "a whole number from 0 to max - active (" + (max - active) + ")");
        }
        // One session class: which one does not matter, the decision uses all sessions over all allowed.
        return Candidate.of(ip, new Load(ClassLoad.NONE, new ClassLoad(active, max)));
    }

    private static int count(String field, JsonNode n, int min) {
        String allowed = "a whole number from " + min + " to " + ClassLoad.MAX_SESSIONS;
        if (n == null || n.isNull()) throw new Invalid(field, null, allowed);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) throw new Invalid(field, n.toString(), allowed);
        int v = n.intValue();
        if (v < min || v > ClassLoad.MAX_SESSIONS) throw new Invalid(field, v, allowed);
        return v;
    }

    private static String render(LbDecision d) {
        ObjectNode out = JSON.createObjectNode();
        out.put("chosen", d.chosen().map(IpAddress::text).orElse(null));
        if (d.rule().isPresent()) out.put("rule", d.rule().getAsInt()); else out.putNull("rule");
        out.put("reason", d.reason());
        ObjectNode loads = out.putObject("loads");
        for (Map.Entry<IpAddress, Integer> e : d.loads().entrySet()) loads.put(e.getKey().text(), e.getValue());
        return out.toString();
    }
}
