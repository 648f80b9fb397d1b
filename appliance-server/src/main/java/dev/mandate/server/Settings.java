package dev.mandate.server;

import dev.mandate.hsm.HsmConfig;
import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.config.ConfigSources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the broker, read once at start: {@code application.yaml} on the class path, then a
 * file named by {@code MANDATE_CONFIG}, then the {@code MANDATE_*} environment variables (SPEC §10).
 * Durations and numbers from the files are mapped by Helidon Config ({@code as(Duration.class)},
 * {@code asInt()}); the few environment variables are parsed here with the same messages.
 */
public record Settings(Path dataDir, String bind, int port, Optional<Path> tlsCert, Optional<Path> tlsKey,
                       String issuer, String trustDomain, List<String> audience,
                       Duration maxTtl, Duration maxLifetime, Duration clockLeeway, Duration adminTtl,
                       int verifiedCacheSize, HsmConfig hsm, int maxConcurrentSignatures,
                       Optional<String> adminSecret, int bcryptCost, boolean metricsEnabled,
                       RateLimit adminAuthLimit, RateLimit appAuthLimit, RateLimit challengeLimit,
                       RateLimit registerLimit, RateLimit credentialLimit, int rateLimitMaxClients,
                       Optional<Duration> rotationPeriod, Duration publishLead, boolean destroyRetiredKeys,
                       Duration eventHeartbeat, Optional<DatabaseServer> databaseServer, Duration stalenessBound,
                       String nodeName) {

    /**
     * A PostgreSQL server instead of the embedded H2 (issue 14): its JDBC URL, user and the file holding the
     * password (read at start, never logged). Several brokers on one such database form a cluster.
     */
    public record DatabaseServer(String url, String user, Optional<Path> passwordFile) {
        @Override
        public String toString() {
            return "DatabaseServer[url=" + url + ", user=" + user + "]";
        }
    }

    /** {@code rate} requests per {@code period}, bursts up to {@code burst}. */
    public record RateLimit(long rate, Duration period, long burst) {
    }

    @Override
    public String toString() {
        return "Settings[dataDir=" + dataDir + ", bind=" + bind + ", port=" + port + ", issuer=" + issuer + "]";
    }

    /** Reads the settings; {@code env} is the process environment (tests pass their own). */
    public static Settings load(Map<String, String> env) {
        var sources = new ArrayList<java.util.function.Supplier<? extends io.helidon.config.spi.ConfigSource>>();
        String extra = env.get("MANDATE_CONFIG");
        if (extra != null && !extra.isBlank()) {
            if (!Files.isReadable(Path.of(extra))) {
                throw new IllegalArgumentException("MANDATE_CONFIG names " + extra + ", which cannot be read");
            }
            sources.add(ConfigSources.file(Path.of(extra)));
        }
        sources.add(ConfigSources.classpath("application.yaml"));
        try {
            Config config = Config.builder().sources(sources)
                    .disableEnvironmentVariablesSource().disableSystemPropertiesSource().build();
            return from(config, env);
        } catch (ConfigException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String why = String.valueOf(root.getMessage()).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.equals("^")).reduce((a, b) -> a + " " + b).orElse("");
            throw new IllegalArgumentException((extra == null || extra.isBlank() ? "application.yaml" : "MANDATE_CONFIG file " + extra)
                    + " cannot be read as YAML: " + why, e);
        }
    }

    private static Settings from(Config c, Map<String, String> env) {
        Path dataDir = Path.of(env.getOrDefault("MANDATE_DATA_DIR", text(c, "data-dir"))).toAbsolutePath().normalize();
        String bind = env.getOrDefault("MANDATE_BIND", text(c, "server.bind"));
        int port = integer("MANDATE_PORT", env.getOrDefault("MANDATE_PORT", text(c, "server.port")), 0, 65535);
        Optional<Path> tlsCert = optionalPath(env.get("MANDATE_TLS_CERT"), c, "server.tls-cert");
        Optional<Path> tlsKey = optionalPath(env.get("MANDATE_TLS_KEY"), c, "server.tls-key");
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            throw new IllegalArgumentException("TLS needs both a certificate and a key (MANDATE_TLS_CERT, MANDATE_TLS_KEY)");
        }
        String defaultIssuer = (tlsCert.isPresent() ? "https://" : "http://") + bind + ":" + port;
        String issuer = env.getOrDefault("MANDATE_ISSUER", c.get("issuer").asString().orElse(defaultIssuer));
        String trustDomain = env.getOrDefault("MANDATE_TRUST_DOMAIN", text(c, "trust-domain"));
        List<String> audience = c.get("audience").asList(String.class).orElse(List.of());
        if (String.join(" ", audience).length() > 4096 || audience.stream().anyMatch(a -> a.isEmpty() || a.contains(" "))) {
            throw new IllegalArgumentException("'audience' must be non-empty values without spaces, 4096 characters in all");
        }

        Duration maxTtl = env.containsKey("MANDATE_MAX_TTL")
                ? Duration.ofSeconds(integer("MANDATE_MAX_TTL", env.get("MANDATE_MAX_TTL"), 1, Integer.MAX_VALUE))
                : duration(c, "token.max-ttl");
        Duration maxLifetime = duration(c, "token.max-lifetime");
        Duration leeway = duration(c, "token.clock-leeway");
        if (maxTtl.isZero() || maxTtl.isNegative() || maxLifetime.isZero() || maxLifetime.isNegative() || leeway.isNegative()) {
            throw new IllegalArgumentException("token.max-ttl and token.max-lifetime must be positive, token.clock-leeway not negative");
        }

        Path library = Path.of(env.getOrDefault("MANDATE_PKCS11_LIBRARY", text(c, "hsm.library")));
        int slotIndex = integer("MANDATE_PKCS11_SLOT_INDEX",
                env.getOrDefault("MANDATE_PKCS11_SLOT_INDEX", text(c, "hsm.slot-index")), 0, 1024);
        Path hsmDir = dataDir.resolve("hsm");
        Path pinFile = Path.of(env.getOrDefault("MANDATE_HSM_PIN_FILE",
                c.get("hsm.pin-file").asString().orElse(hsmDir.resolve("user-pin").toString())));
        Path softHsmConf = library.equals(HsmConfig.SOFTHSM_LIBRARY)
                ? Path.of(env.getOrDefault("SOFTHSM2_CONF", hsmDir.resolve("softhsm2.conf").toString())) : null;
        HsmConfig hsm = new HsmConfig("mandate", library, null, slotIndex, pinFile, softHsmConf);

        String secret = env.get("MANDATE_ADMIN_SECRET");
        if (secret != null && !secret.isEmpty()) {
            checkStrength(secret);
        }
        return new Settings(dataDir, bind, port, tlsCert, tlsKey, issuer, trustDomain, audience,
                maxTtl, maxLifetime, leeway, duration(c, "token.admin-ttl"),
                integer(c, "token.verified-cache-size", 1, 10_000_000),
                hsm, integer(c, "hsm.max-concurrent-signatures", 1, 256),
                Optional.ofNullable(secret).filter(s -> !s.isEmpty()),
                integer(c, "secrets.bcrypt-cost", 4, 31),
                c.get("metrics.enabled").asBoolean().orElse(true),
                limit(c, "rate-limits.admin-auth"), limit(c, "rate-limits.app-auth"),
                limit(c, "rate-limits.challenge"), limit(c, "rate-limits.register"), limit(c, "rate-limits.credentials"),
                integer(c, "rate-limits.max-clients", 1, 10_000_000),
                optionalPositive(c, "keys.rotation-period"),
                duration(c, "keys.publish-lead"), retiredAction(text(c, "keys.retired-action")),
                heartbeat(c), databaseServer(c, env), positive(c, "cluster.staleness-bound"),
                env.getOrDefault("MANDATE_NODE_NAME", c.get("cluster.node-name").asString().filter(n -> !n.isBlank())
                        .orElseGet(Settings::defaultNodeName)));
    }

    /**
     * {@code MANDATE_DATABASE_URL} (storage.url): blank keeps the embedded H2 in the data directory; a
     * {@code jdbc:postgresql://} URL selects that server, with {@code MANDATE_DATABASE_USER} (storage.user)
     * and {@code MANDATE_DATABASE_PASSWORD_FILE} (storage.password-file).
     */
    private static Optional<DatabaseServer> databaseServer(Config c, Map<String, String> env) {
        String url = env.getOrDefault("MANDATE_DATABASE_URL", c.get("storage.url").asString().orElse("")).strip();
        if (url.isEmpty()) {
            return Optional.empty();
        }
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("MANDATE_DATABASE_URL (storage.url) must be a jdbc:postgresql:// URL"
                    + " or empty for the embedded database, not '" + withoutQuery(url) + "'");
        }
        if (url.contains("?") && url.substring(url.indexOf('?')).toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            throw new IllegalArgumentException("MANDATE_DATABASE_URL (storage.url) must not hold the password:"
                    + " put it in MANDATE_DATABASE_PASSWORD_FILE (storage.password-file)");
        }
        String user = env.getOrDefault("MANDATE_DATABASE_USER", c.get("storage.user").asString().orElse("mandate")).strip();
        if (user.isEmpty()) {
            throw new IllegalArgumentException("MANDATE_DATABASE_USER (storage.user) must not be empty");
        }
        return Optional.of(new DatabaseServer(url, user,
                optionalPath(env.get("MANDATE_DATABASE_PASSWORD_FILE"), c, "storage.password-file")));
    }

    /** This host's name and this process's id: unique among the nodes of a cluster. */
    private static String defaultNodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + "/" + ProcessHandle.current().pid();
    }

    /** A URL as it may be printed: its query (where a driver option could carry a secret) left out. */
    static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?...";
    }

    /** Shannon entropy of the secret's own characters, times its length: a crude bound, but it catches the weak. */
    static final int MIN_SECRET_LENGTH = 16;
    static final double MIN_SECRET_BITS = 50;

    /**
     * MANDATE_ADMIN_SECRET guards every operator action: refuse one that is short, or whose characters
     * repeat so much that it is guessable (e.g. {@code aaaaaaaaaaaaaaaa}, {@code passwordpassword}). The
     * generated secret (32 random bytes) passes with a wide margin.
     */
    static void checkStrength(String secret) {
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("MANDATE_ADMIN_SECRET is too short: at least " + MIN_SECRET_LENGTH
                    + " characters (or leave it unset and use the generated secret)");
        }
        var counts = new java.util.HashMap<Integer, Integer>();
        secret.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
        int n = secret.codePointCount(0, secret.length());
        double bitsPerChar = 0;
        for (int count : counts.values()) {
            double p = (double) count / n;
            bitsPerChar -= p * Math.log(p) / Math.log(2);
        }
        if (bitsPerChar * n < MIN_SECRET_BITS) {
            throw new IllegalArgumentException("MANDATE_ADMIN_SECRET is too predictable (about " + Math.round(bitsPerChar * n)
                    + " bits by its own character statistics, " + Math.round(MIN_SECRET_BITS) + " needed): use a long random secret");
        }
    }

    private static String text(Config c, String key) {
        return c.get(key).asString().orElseThrow(() -> new IllegalArgumentException("setting '" + key + "' is missing"));
    }

    private static Optional<Path> optionalPath(String envValue, Config c, String key) {
        String value = envValue != null ? envValue : c.get(key).asString().orElse("");
        return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }

    /** A duration setting, mapped by Helidon Config ({@code as(Duration.class)}: ISO-8601, e.g. PT60S). */
    private static Duration duration(Config c, String key) {
        Config node = c.get(key);
        if (!node.exists()) {
            throw new IllegalArgumentException("setting '" + key + "' is missing");
        }
        try {
            return node.as(Duration.class).get();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be an ISO-8601 duration such as PT60S, not '"
                    + node.asString().orElse("") + "'");
        }
    }

    /** An optional duration setting that must be positive when given (blank means not given). */
    private static Optional<Duration> optionalPositive(Config c, String key) {
        if (c.get(key).asString().filter(v -> !v.isBlank()).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(positive(c, key));
    }

    /**
     * The event stream's heartbeat: at most 15 s, as SPEC §2.4 promises its clients (the console takes a stream
     * silent for three of them for a lost connection).
     */
    private static Duration heartbeat(Config c) {
        Duration d = positive(c, "events.heartbeat");
        if (d.compareTo(Duration.ofSeconds(15)) > 0) {
            throw new IllegalArgumentException("setting 'events.heartbeat' must be at most PT15S (SPEC §2.4)");
        }
        return d;
    }

    private static Duration positive(Config c, String key) {
        Duration d = duration(c, key);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("setting '" + key + "' must be positive");
        }
        return d;
    }

    /** A whole-number setting, mapped by Helidon Config ({@code asInt()}), within {@code min..max}. */
    private static int integer(Config c, String key, int min, int max) {
        Config node = c.get(key);
        if (!node.exists()) {
            throw new IllegalArgumentException("setting '" + key + "' is missing");
        }
        try {
            return within(key, node.asInt().get(), min, max);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + node.asString().orElse("") + "'");
        }
    }

    private static int within(String name, int n, int min, int max) {
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + ", not " + n);
        }
        return n;
    }

    private static boolean retiredAction(String value) {
        return switch (value) {
            case "destroy" -> true;
            case "keep" -> false;
            default -> throw new IllegalArgumentException("keys.retired-action must be destroy or keep, not '" + value + "'");
        };
    }

    /** A whole number from an environment variable (Helidon Config does not read the environment here). */
    private static int integer(String name, String value, int min, int max) {
        try {
            return within(name, Integer.parseInt(value.strip()), min, max);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
        }
    }

    private static RateLimit limit(Config c, String key) {
        return new RateLimit(integer(c, key + ".rate", 1, Integer.MAX_VALUE), duration(c, key + ".period"),
                integer(c, key + ".burst", 1, Integer.MAX_VALUE));
    }
}
