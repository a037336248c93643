package dev.tandem.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.node.demo.DemoCluster;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (docs/console.md): Debian's chromium, driven through its chromedriver, against two
 * real node processes. An operator signs in, sees the pair reach Normal / Normal, fails a node over and back from the
 * page and watches the states change without a reload, switches high availability; a read-only operator sees no
 * button and is refused by the API; a change without the CSRF token is refused; a wrong password is refused and,
 * repeated, slowed down. Screenshots go to target/console-screenshots (docs/console.md shows them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static final String N1 = "127.0.0.11";
    private static final String CONSOLE = "http://" + N1 + ":20075/";
    private static final String ADMIN_PASSWORD = "correct horse battery";
    private static final String READER_PASSWORD = "read but never write";
    private static final Path SHOTS = Path.of("target", "console-screenshots");

    private final List<NodeProcess> nodes = new ArrayList<>();
    private NodeAdmin admin;
    private Path tokenFile;
    private WebDriver browser;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void startNodesAndBrowser(@TempDir Path dir) throws Exception {
        File chromium = new File("/usr/bin/chromium");
        File driver = new File("/usr/bin/chromedriver");
        assertThat(chromium.canExecute() && driver.canExecute())
                .as("the console's browser tests need Debian's chromium and chromium-driver: apt-get install chromium"
                        + " chromium-driver (.ci/run installs them)").isTrue();
        List<Path> configs = DemoCluster.write(dir, 2, DemoCluster.Profile.FAST);
        for (Path c : configs) {
            // Two nodes and a browser on two cores: a 1 s session-service check could fail a node before the test.
            String yaml = Files.readString(c);
            Files.writeString(c, yaml.replace("interval: 1s\n    timeout: 1s", "interval: 5s\n    timeout: 5s"));
            nodes.add(new NodeProcess(c).start());
        }
        admin = new NodeAdmin(Files.readString(dir.resolve("admin-token")).strip());
        await(Duration.ofSeconds(60), "both nodes Normal", () -> "Normal / Normal".equals(admin.stateOf(N1, "n1"))
                && "Normal / Normal".equals(admin.stateOf(N1, "n2")));
        // The operators, added as an administrator would: with the CLI, the password from a file or asked for.
        tokenFile = dir.resolve("admin-token");
        Path passwordFile = dir.resolve("alice-password");
        Files.writeString(passwordFile, ADMIN_PASSWORD + "\n");
        Run alice = tandem(null, "operators", "add", "alice", "--role", "admin", "--password-file", passwordFile.toString());
        assertThat(alice.code()).as(alice.out()).isZero();
        assertThat(alice.out()).contains("added operator alice (admin)");
        Run reader = tandem(READER_PASSWORD + "\n", "operators", "add", "reader", "--role", "read-only", "--password");
        assertThat(reader.code()).as(reader.out()).isZero();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--disable-gpu", "--no-first-run", "--disable-extensions");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver).build(), options);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    void stopAll() {
        if (browser != null) browser.quit();
        nodes.forEach(NodeProcess::close);
    }

    @Test
    @Order(1)
    void aWrongPasswordIsRefusedAndRepeatedOnesAreSlowed() throws Exception {
        browser.get(CONSOLE);
        signIn("alice", "not the password");
        waitFor("the refusal", b -> text("login-error").contains("wrong name or password"));
        assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
        // The first few cost nothing; from the fourth in a row each answer is held back longer (250 ms, 500 ms...).
        long[] millis = new long[5];
        for (int i = 0; i < millis.length; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = login("alice", "still not the password");
            millis[i] = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).as("attempt %d: %s", i, r.body()).isEqualTo(401);
        }
        assertThat(millis[4]).as("the fifth wrong password in a row, in ms (all: %s)", java.util.Arrays.toString(millis))
                .isGreaterThanOrEqualTo(450);
        // A right password is never held back.
        assertThat(login("alice", ADMIN_PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void anOperatorSeesThePairReachNormal() throws IOException {
        browser.get(CONSOLE);
        signIn("alice", ADMIN_PASSWORD);
        waitFor("the redundancy page", b -> text("who").contains("alice (admin)"));
        waitFor("Normal / Normal", b -> state("n1").equals("Normal") && state("n2").equals("Normal"));
        assertThat(button("failover", "n1").isEnabled()).isTrue();
        assertThat(button("fallback", "n1").isEnabled()).isFalse();
        assertThat(button("recover", "n1").isEnabled()).isFalse();
        shot("redundancy-normal");
    }

    @Test
    @Order(3)
    void withAWitnessTheGroupCardSaysWhetherItCanBeReached() throws Exception {
        // docs/redundancy.md, Witness; docs/console.md. Set with the CLI, applied live; back to manual afterwards.
        assertThat(browser.findElements(By.id("witness-g1"))).as("no witness line in manual mode").isEmpty();
        Run set = tandem(null, "parameters", "set", "partitionRecovery=witness");
        assertThat(set.code()).as(set.out()).isZero();
        browser.navigate().refresh();
        waitFor("the witness line", b -> !b.findElements(By.id("witness-g1")).isEmpty()
                && text("witness-g1").startsWith("Witness: reachable"));
        shot("redundancy-witness");
        Run back = tandem(null, "parameters", "set", "partitionRecovery=manual");
        assertThat(back.code()).as(back.out()).isZero();
    }

    @Test
    @Order(4)
    void failoverAndFallbackFromThePageUpdateItLive() throws IOException {
        // A mark that a reload would wipe: the page must change by itself, from the events stream.
        ((JavascriptExecutor) browser).executeScript("window.tandemNoReload = true;");
        click(buttonBy("failover", "n1"));
        waitFor("the confirmation", b -> browser.findElement(By.id("confirm")).isDisplayed());
        assertThat(text("confirm-body")).contains("Every user of n1 moves to n2");
        shot("failover-confirmation");
        click(By.id("confirm-ok"));
        waitFor("Idle / Running in Backup Mode", b -> state("n1").equals("Idle") && state("n2").equals("Running in Backup Mode"));
        assertThat(reason("n1")).isEqualTo("On Admin Request");
        // Every group in the store, as each node reported to it: state and reason, without a reload.
        waitFor("the store's state and reason", b -> text("groups-all").contains("Idle On Admin Request")
                && text("groups-all").contains("Running in Backup Mode On Admin Request"));
        waitFor("Fallback enabled", b -> button("fallback", "n1").isEnabled());
        assertThat(button("failover", "n1").isEnabled()).isFalse();
        shot("redundancy-failed-over");
        click(buttonBy("fallback", "n1"));
        waitFor("the confirmation", b -> browser.findElement(By.id("confirm")).isDisplayed());
        click(By.id("confirm-ok"));
        waitFor("Normal / Normal again", b -> state("n1").equals("Normal") && state("n2").equals("Normal"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.tandemNoReload === true;")).isEqualTo(true);
        // The audit log names the operator who pressed the buttons.
        waitFor("the audit rows", b -> {
            try {
                String audit = admin.get(N1, "/api/v1/audit?limit=20").body().toString();
                return audit.contains("\"who\":\"alice\",\"action\":\"failover\"")
                        && audit.contains("\"who\":\"alice\",\"action\":\"fallback\"");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    @Order(5)
    void theHighAvailabilitySwitchSavesAfterItsCautionAndAppliesOnTheRunningPair() throws Exception {
        waitFor("the switch on", b -> browser.findElement(By.id("ha-switch")).isSelected());
        click(By.id("ha-switch"));
        click(By.id("ha-save"));
        waitFor("the caution", b -> text("confirm-body").contains("With high availability off no node of g1 fails over"));
        assertThat(text("confirm-body")).contains("is reachable").contains("n1: Normal / Normal")
                .contains("Nothing speaks against it now.");
        click(By.id("confirm-ok"));
        waitFor("the notice", b -> text("notice").contains("High availability disabled for g1")
                && text("notice").contains("its running nodes apply it at once"));
        assertThat(admin.get(N1, "/api/v1/cluster/groups/g1").body().get("ha").asBoolean()).isFalse();
        // Applied by the running nodes, no restart: with HA off there is nothing to fail over to.
        await(Duration.ofSeconds(10), "both nodes running with HA off", () -> !admin.get(N1, "/api/v1/redundancy-groups")
                .body().get(0).get("ha").asBoolean() && !admin.get("127.0.0.12", "/api/v1/redundancy-groups").body().get(0)
                .get("ha").asBoolean());
        waitFor("Failover disabled", b -> !button("failover", "n1").isEnabled());
        waitFor("the switch redrawn off", b -> !browser.findElement(By.id("ha-switch")).isSelected());
        click(By.id("ha-switch"));
        click(By.id("ha-save"));
        waitFor("the caution", b -> text("confirm-body").contains("may fail users over at once"));
        click(By.id("confirm-ok"));
        waitFor("the notice", b -> text("notice").contains("High availability enabled for g1"));
        assertThat(admin.get(N1, "/api/v1/cluster/groups/g1").body().get("ha").asBoolean()).isTrue();
        waitFor("Normal / Normal with HA on again", b -> state("n1").equals("Normal") && state("n2").equals("Normal")
                && button("failover", "n1").isEnabled());
        await(Duration.ofSeconds(10), "Normal / Normal", () -> "Normal / Normal".equals(admin.stateOf(N1, "n1"))
                && "Normal / Normal".equals(admin.stateOf(N1, "n2")));
    }

    @Test
    @Order(6)
    void aChangeWithoutTheCsrfTokenIsRefused() throws Exception {
        Cookie session = browser.manage().getCookieNamed("tandem_session");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        String path = "/api/v1/redundancy-groups/g1/failover?node=n1";
        HttpResponse<String> without = send("POST", path, session.getValue(), null, "");
        assertThat(without.statusCode()).isEqualTo(403);
        assertThat(without.body()).contains("CSRF");
        HttpResponse<String> wrong = send("POST", path, session.getValue(), "not-the-token", "");
        assertThat(wrong.statusCode()).isEqualTo(403);
        // Nothing happened: still Normal.
        assertThat(admin.stateOf(N1, "n1")).isEqualTo("Normal / Normal");
        // The page's own token works for a harmless read-back of who is signed in.
        HttpResponse<String> who = send("GET", "/api/v1/session", session.getValue(), null, null);
        assertThat(who.body()).contains("\"operator\":\"alice\"");
    }

    @Test
    @Order(7)
    void aReadOnlyOperatorSeesNoButtonsAndCannotChangeAnything() throws Exception {
        click(By.id("sign-out"));
        waitFor("the sign-in form", b -> browser.findElement(By.id("sign-in")).isDisplayed());
        signIn("reader", READER_PASSWORD);
        waitFor("the redundancy page", b -> text("who").contains("reader (read-only)"));
        waitFor("Normal / Normal", b -> state("n1").equals("Normal") && state("n2").equals("Normal"));
        // Read again if the page re-renders under the look (a live update): an element seen may go stale.
        List<String> visible = new java.util.ArrayList<>();
        waitFor("the page settled to look at", b -> {
            visible.clear();
            b.findElements(By.cssSelector("button[data-action], .write")).stream().filter(WebElement::isDisplayed)
                    .forEach(e -> visible.add(e.getTagName() + " " + e.getText()));
            return true;
        });
        assertThat(visible).as("buttons a read-only operator sees").isEmpty();
        assertThat(browser.findElement(By.id("ha-switch")).isEnabled()).isFalse();
        shot("read-only");
        Cookie session = browser.manage().getCookieNamed("tandem_session");
        String csrf = (String) ((JavascriptExecutor) browser).executeScript(
                "return fetch('/api/v1/session').then(r => r.json()).then(s => s.csrf);");
        HttpResponse<String> refused = send("POST", "/api/v1/redundancy-groups/g1/failover?node=n1", session.getValue(),
                csrf, "");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("read-only");
        assertThat(admin.stateOf(N1, "n1")).isEqualTo("Normal / Normal");
    }

    @Test
    @Order(8)
    void everyViewRendersAtDesktopAndPhoneWidths() throws IOException {
        click(By.id("sign-out"));
        waitFor("the sign-in form", b -> browser.findElement(By.id("sign-in")).isDisplayed());
        signIn("alice", ADMIN_PASSWORD);
        waitFor("signed in", b -> text("who").contains("alice"));
        for (String view : List.of("load-balancing", "users", "settings", "events", "health", "operators")) {
            click(By.cssSelector("nav a[data-view='" + view + "']"));
            waitFor(view, b -> browser.findElement(By.id("view-" + view)).isDisplayed()
                    && !browser.findElement(By.id("view-" + view)).findElements(By.cssSelector("table, dl, p.muted")).isEmpty());
            assertThat(text("notice")).as("the notice on %s", view).isEmpty();
            shot(view);
        }
        waitFor("the operators", b -> text("operators-table").contains("reader"));
        click(By.cssSelector("nav a[data-view='redundancy']"));
        browser.manage().window().setSize(new Dimension(390, 844));
        waitFor("the pair", b -> state("n1").equals("Normal"));
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).intValue()).as("horizontal overflow at 390 px").isLessThanOrEqualTo(0);
        shot("redundancy-phone");
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @Test
    @Order(9)
    void theOperatorsCommandsListChangeAndRemoveOperators() throws Exception {
        Run list = tandem(null, "operators", "list");
        assertThat(list.code()).as(list.out()).isZero();
        assertThat(list.out()).containsPattern("alice\\s+admin").containsPattern("reader\\s+read-only");
        Run weak = tandem("short\n", "operators", "passwd", "reader", "--password");
        assertThat(weak.code()).isNotZero();
        assertThat(weak.out()).contains("password: the password is too short; allowed: 10 to 256 characters");
        Run badRole = tandem(null, "operators", "add", "carol", "--role", "root", "--password-file", "/nonexistent");
        assertThat(badRole.code()).isNotZero();
        assertThat(badRole.out()).contains("--role: 'root' is not allowed; allowed: admin, read-only");
        Run lastAdmin = tandem(null, "operators", "remove", "alice");
        assertThat(lastAdmin.code()).isNotZero();
        assertThat(lastAdmin.out()).contains("operator 'alice' is the last admin");
        // A new password ends the operator's sessions and signs in; the old one no longer does.
        Run passwd = tandem("a brand new password\n", "operators", "passwd", "reader", "--password");
        assertThat(passwd.code()).as(passwd.out()).isZero();
        assertThat(login("reader", READER_PASSWORD).statusCode()).isEqualTo(401);
        assertThat(login("reader", "a brand new password").statusCode()).isEqualTo(200);
        Run removed = tandem(null, "operators", "remove", "reader");
        assertThat(removed.code()).as(removed.out()).isZero();
        assertThat(login("reader", "a brand new password").statusCode()).isEqualTo(401);
        assertThat(admin.get(N1, "/api/v1/audit?limit=50").body().toString()).contains("\"action\":\"operator remove\"")
                .contains("\"action\":\"login\"");
    }

    @Test
    @Order(10)
    void formsShowTheNodesRefusalBesideTheFieldAndImportsNameEveryBadLine() throws Exception {
        browser.get(CONSOLE + "#settings");
        waitFor("the parameters form", b -> browser.findElement(By.id("param-keepAliveInterval")).isDisplayed());
        WebElement interval = browser.findElement(By.id("param-keepAliveInterval"));
        interval.clear();
        interval.sendKeys("often");
        click(By.cssSelector("#params-form button[type='submit']"));
        waitFor("the refusal beside the field", b -> text("param-error-keepAliveInterval").contains("keepAliveInterval"));
        assertThat(text("params-result")).startsWith("Not saved: ");
        assertThat(admin.get(N1, "/api/v1/cluster/parameters").body().get("keepAliveInterval").asText()).isEqualTo("100ms");
        waitFor("the load-balancing form", b -> browser.findElement(By.id("f-group-clusterPort")).isDisplayed());
        WebElement port = browser.findElement(By.id("f-group-clusterPort"));
        port.clear();
        port.sendKeys("70000");
        click(By.cssSelector("#lb-form button[type='submit']"));
        waitFor("the refusal beside the port", b -> text("f-group-clusterPort-error").contains("cluster port: '70000' is not allowed"));
        shot("settings-refused");

        browser.get(CONSOLE + "#users");
        Path bad = Files.createTempFile("users", ".csv");
        Files.writeString(bad, "id,group,home\nok1\nbad!id\nok1\n");
        waitFor("the import form", b -> browser.findElement(By.id("users-import-file")).isDisplayed());
        browser.findElement(By.id("users-import-file")).sendKeys(bad.toAbsolutePath().toString());
        click(By.cssSelector("#users-import button[type='submit']"));
        waitFor("every bad line", b -> browser.findElements(By.cssSelector("#users-import-errors li")).size() == 2);
        assertThat(text("users-import-errors")).contains("line 3: ").contains("line 4: id 'ok1' appears again (first on line 2)");
        assertThat(text("users-import-result")).contains("Nothing was imported");
        Path good = Files.createTempFile("users", ".csv");
        Files.writeString(good, "id\nconsole-u1\nconsole-u2\nconsole-u3\n");
        browser.findElement(By.id("users-import-file")).sendKeys(good.toAbsolutePath().toString());
        click(By.cssSelector("#users-import button[type='submit']"));
        waitFor("the import's result", b -> text("users-import-result").contains("Imported 3 users"));
        waitFor("the users listed", b -> text("users-table").contains("console-u3"));
        assertThat(browser.findElement(By.id("users-import-progress")).getAttribute("value")).isEqualTo("100");
        shot("users-imported");
        // Filtered by the node that serves them now, on the node: n2 serves exactly the users at home on it.
        String n2Users = admin.get(N1, "/api/v1/users?node=n2&limit=100").body().get("users").findValuesAsText("id").toString();
        browser.findElement(By.id("users-serving")).sendKeys("n2");
        click(By.cssSelector("#users-filter button[type='submit']"));
        waitFor("only n2's users", b -> browser.findElements(By.cssSelector("#users-table tbody tr")).stream()
                .allMatch(r -> r.findElements(By.cssSelector("td")).size() > 2
                        && r.findElements(By.cssSelector("td")).get(2).getText().equals("n2")));
        for (WebElement row : browser.findElements(By.cssSelector("#users-table tbody th"))) {
            assertThat(n2Users).contains(row.getText());
        }
    }

    // ------------------------------------------------------------------ helpers

    record Run(int code, String out) {}

    /** The CLI as an operator runs it: the jar, with the cluster's token file and {@code input} on standard input. */
    private Run tandem(String input, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("tandem.jar", "target/tandem.jar")));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--admin", "http://" + N1 + ":20075", "--token-file", tokenFile.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (input != null) in.write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private void signIn(String name, String password) {
        WebElement n = browser.findElement(By.id("login-name"));
        waitFor("the sign-in form", b -> n.isDisplayed());
        n.clear();
        n.sendKeys(name);
        WebElement p = browser.findElement(By.id("login-password"));
        p.clear();
        p.sendKeys(password);
        click(By.id("login-submit"));
    }

    /** Clicks what {@code by} finds, again if the page redrew it between finding and clicking (it redraws on events). */
    private void click(By by) {
        waitFor("a clickable " + by, b -> {
            browser.findElement(by).click();
            return true;
        });
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private String state(String node) {
        return cell(node, "node-state");
    }

    private String reason(String node) {
        return cell(node, "node-reason");
    }

    private String cell(String node, String cls) {
        List<WebElement> cells = browser.findElements(By.cssSelector("#group-here tr[data-node='" + node + "'] ." + cls));
        return cells.isEmpty() ? "" : cells.get(0).getText();
    }

    private WebElement button(String action, String node) {
        return browser.findElement(buttonBy(action, node));
    }

    private static By buttonBy(String action, String node) {
        return By.cssSelector("#group-here button[data-action='" + action + "'][data-node='" + node + "']");
    }

    private void waitFor(String what, Function<WebDriver, Boolean> ok) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .ignoring(org.openqa.selenium.NoSuchElementException.class).until(ok::apply);
        } catch (TimeoutException e) {
            shot("failed-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
            throw new AssertionError("the page never showed " + what + "; notice: '" + text("notice") + "'; n1: "
                    + admin.stateOf(N1, "n1") + ", n2: " + admin.stateOf(N1, "n2"), e);
        }
    }

    private void shot(String name) {
        try {
            Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpResponse<String> login(String name, String password) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(CONSOLE + "console/login"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String session, String csrf, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + N1 + ":20075" + path))
                .header("Cookie", "tandem_session=" + session)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (csrf != null) b.header("X-CSRF-Token", csrf);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(Duration atMost, String what, java.util.concurrent.Callable<Boolean> ok) throws Exception {
        long end = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < end) {
            if (Boolean.TRUE.equals(ok.call())) return;
            Thread.sleep(200);
        }
        throw new AssertionError("never: " + what);
    }
}
