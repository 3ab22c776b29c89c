package io.lakestack.services.athena;

import io.lakestack.services.athena.sql.HiveDdlParser;
import io.lakestack.services.athena.sql.HiveStatement;
import io.lakestack.services.athena.sql.SqlTokens;
import io.lakestack.spi.sql.SqlTokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One Athena statement, classified as Athena classifies it ({@code StatementType} DDL / DML / UTILITY and its
 * {@code SubstatementType}) and routed: HiveQL DDL to the catalog, everything else to Trino, with Athena's CTAS
 * table properties and HiveQL's {@code CREATE TABLE ... STORED AS ... AS SELECT} rewritten to Trino's form.
 */
record AthenaStatement(String statementType, String substatementType, Optional<HiveStatement> hive, Optional<String> trinoSql,
        Map<String, String> sessionProperties, Optional<List<String>> insertTarget, Optional<Unload> unload)
{
    static final String CATALOG = "awsdatacatalog";
    /** The formats UNLOAD writes, as Athena names them. */
    private static final List<String> UNLOAD_FORMATS = List.of("PARQUET", "ORC", "AVRO", "JSON", "TEXTFILE");
    private static final Map<String, String> COMPRESSION = Map.of(
            "GZIP", "GZIP", "ZLIB", "GZIP", "DEFLATE", "GZIP", "SNAPPY", "SNAPPY", "ZSTD", "ZSTD", "LZ4", "LZ4", "NONE", "NONE", "UNCOMPRESSED", "NONE");

    /** Words that start a statement in Athena's SQL; any other first word is a syntax error. */
    private static final java.util.Set<String> STATEMENT_KEYWORDS = java.util.Set.of("ALTER", "ANALYZE", "CALL", "COMMENT", "COMMIT", "CREATE",
            "DEALLOCATE", "DELETE", "DENY", "DESCRIBE", "DESC", "DROP", "EXECUTE", "EXPLAIN", "GRANT", "INSERT", "MERGE", "MSCK", "OPTIMIZE",
            "PREPARE", "REFRESH", "RESET", "REVOKE", "ROLLBACK", "SELECT", "SET", "SHOW", "START", "TABLE", "TRUNCATE", "UNLOAD", "UPDATE",
            "USE", "VACUUM", "VALUES", "WITH");

    AthenaStatement
    {
        requireNonNull(statementType, "statementType is null");
        requireNonNull(substatementType, "substatementType is null");
        sessionProperties = Map.copyOf(sessionProperties);
        requireNonNull(insertTarget, "insertTarget is null");
        requireNonNull(unload, "unload is null");
    }

    AthenaStatement(String statementType, String substatementType, Optional<HiveStatement> hive, Optional<String> trinoSql,
            Map<String, String> sessionProperties)
    {
        this(statementType, substatementType, hive, trinoSql, sessionProperties, Optional.empty(), Optional.empty());
    }

    /**
     * {@code UNLOAD (query) TO 's3://bucket/prefix/' WITH (format = ..., ...)}: the query's rows written to the location
     * in the format, through a table that exists only while the statement runs.
     *
     * @param query the {@code SELECT} whose rows are written
     * @param bucket and {@code prefix}, the {@code TO} location (the prefix ends with {@code /}, or is empty)
     * @param tableProperties Trino's Hive table properties for the format, partitions and field separator
     *         ({@code format = 'PARQUET'}, {@code partitioned_by = ARRAY['dt']}), without {@code external_location}
     * @param partitioned whether {@code partitioned_by} is given: then the location may hold data already, and the
     *         statement adds files to it
     */
    record Unload(String query, String bucket, String prefix, Map<String, String> tableProperties, boolean partitioned)
    {
        Unload
        {
            requireNonNull(query, "query is null");
            requireNonNull(bucket, "bucket is null");
            requireNonNull(prefix, "prefix is null");
            tableProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tableProperties));
        }

        String location()
        {
            return "s3://" + bucket + "/" + prefix;
        }
    }

    /**
     * The statement with the compression Athena writes a table with: its {@code parquet.compression},
     * {@code orc.compress} or {@code write.compression} property.
     */
    AthenaStatement withWriteCompression(String compression)
            throws Unsupported
    {
        Map<String, String> session = new LinkedHashMap<>(sessionProperties);
        session.put(CATALOG + ".compression_codec", codec(compression.toUpperCase(Locale.ROOT)));
        return new AthenaStatement(statementType, substatementType, hive, trinoSql, session, insertTarget, unload);
    }

    /** Why a statement cannot run; the message is Athena's StateChangeReason. */
    static final class Unsupported
            extends Exception
    {
        private static final long serialVersionUID = 1L;

        Unsupported(String message)
        {
            super(message);
        }
    }

    /**
     * @param ctasLocation where a CTAS without {@code external_location} writes, as Athena's
     *         {@code <output location>tables/<query id>/}
     */
    static AthenaStatement classify(String query, String ctasLocation)
            throws Unsupported
    {
        String sql = SqlTokens.stripTerminator(query);
        List<SqlTokenizer.Token> tokens;
        try {
            tokens = SqlTokens.tokenize(sql);
        }
        catch (IllegalArgumentException e) {
            throw new Unsupported("SYNTAX_ERROR: " + e.getMessage());
        }
        if (tokens.isEmpty()) {
            throw new Unsupported("SYNTAX_ERROR: line 1:1: the query is empty");
        }
        for (SqlTokenizer.Token token : tokens) {
            if (token.isSymbol(";")) {
                throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, token.start()) + ": only one statement per query is supported");
            }
        }
        SqlTokenizer.Token first = tokens.get(0);
        String keyword = first.kind() == SqlTokenizer.Kind.SYMBOL ? first.text() : first.upper();
        if (HiveDdlParser.isHiveDdl(sql)) {
            HiveStatement statement;
            try {
                statement = HiveDdlParser.parse(sql);
            }
            catch (IllegalArgumentException e) {
                throw new Unsupported("FAILED: ParseException " + e.getMessage());
            }
            if (statement instanceof HiveStatement.CreateTable create && create.asQuery().isPresent()) {
                return hiveCtas(create, ctasLocation);
            }
            return new AthenaStatement(utility(statement) ? "UTILITY" : "DDL", substatement(statement), Optional.of(statement), Optional.empty(), Map.of());
        }
        switch (keyword) {
            case "SELECT", "WITH", "VALUES", "TABLE", "(":
                return trino("DML", "SELECT", sql);
            case "INSERT":
                return insert(sql, tokens);
            case "DELETE", "UPDATE", "MERGE":
                return trino("DML", keyword, sql);
            case "EXPLAIN":
                return trino("UTILITY", "EXPLAIN", sql);
            case "SHOW":
                return trino("UTILITY", "SHOW", sql);
            case "UNLOAD":
                return unload(sql, tokens);
            case "CREATE":
                if (tokens.stream().limit(4).anyMatch(token -> token.is("VIEW"))) {
                    return trino("DDL", "CREATE_VIEW", sql);
                }
                return athenaCtas(sql, tokens, ctasLocation);
            case "DROP", "ALTER":
                if (tokens.size() > 1 && tokens.get(1).is("VIEW")) {
                    return trino("DDL", keyword + "_VIEW", sql);
                }
                break;
            default:
                break;
        }
        if (!STATEMENT_KEYWORDS.contains(keyword)) {
            throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, first.start()) + ": mismatched input '" + first.text()
                    + "'. Expecting: ALTER, CREATE, DESCRIBE, DROP, EXECUTE, EXPLAIN, INSERT, MSCK, PREPARE, SELECT, SHOW, VALUES, WITH");
        }
        throw new Unsupported("NOT_SUPPORTED: " + SqlTokens.position(sql, first.start()) + ": lakestack's Athena does not support " + keyword
                + " statements (supported: SELECT, WITH, VALUES, INSERT INTO, CREATE TABLE AS, UNLOAD, CREATE/DROP VIEW, EXPLAIN, and the HiveQL DDL "
                + "CREATE/DROP/ALTER TABLE, CREATE/DROP DATABASE, MSCK REPAIR TABLE, SHOW, DESCRIBE)");
    }

    /** {@code INSERT INTO [catalog.][database.]table ...}, with its target table's name. */
    private static AthenaStatement insert(String sql, List<SqlTokenizer.Token> tokens)
    {
        List<String> name = new ArrayList<>();
        if (tokens.size() > 2 && tokens.get(1).is("INTO")) {
            int index = 2;
            while (index < tokens.size() && tokens.get(index).isName()) {
                // the catalog keeps every name in lower case, quoted or not
                name.add(tokens.get(index).text().toLowerCase(Locale.ROOT));
                if (index + 1 < tokens.size() && tokens.get(index + 1).isSymbol(".")) {
                    index += 2;
                }
                else {
                    break;
                }
            }
        }
        if (name.size() == 3) {
            name = name.subList(1, 3);
        }
        return new AthenaStatement("DML", "INSERT", Optional.empty(), Optional.of(sql), Map.of(),
                name.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(name)), Optional.empty());
    }

    /** {@code UNLOAD (query) TO 's3://bucket/prefix/' WITH (property = value, ...)}, as Athena takes it. */
    private static AthenaStatement unload(String sql, List<SqlTokenizer.Token> tokens)
            throws Unsupported
    {
        String syntax = "UNLOAD (SELECT ...) TO 's3://bucket/prefix/' WITH (format = '...')";
        if (tokens.size() < 2 || !tokens.get(1).isSymbol("(")) {
            throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, tokens.size() < 2 ? sql.length() : tokens.get(1).start())
                    + ": UNLOAD takes its query in parentheses: " + syntax);
        }
        int close = matching(tokens, 1);
        if (close == 2) {
            throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, tokens.get(close).start()) + ": UNLOAD has no query: " + syntax);
        }
        String query = sql.substring(tokens.get(2).start(), tokens.get(close - 1).end());
        int index = close + 1;
        if (index + 1 >= tokens.size() || !tokens.get(index).is("TO") || tokens.get(index + 1).kind() != SqlTokenizer.Kind.STRING
                || tokens.get(index + 1).quote() != '\'') {
            throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, index < tokens.size() ? tokens.get(index).start() : sql.length())
                    + ": UNLOAD needs TO 's3://bucket/prefix/' after its query: " + syntax);
        }
        SqlTokenizer.Token to = tokens.get(index + 1);
        String location = to.text();
        if (!location.startsWith("s3://") || location.length() <= "s3://".length() || location.charAt("s3://".length()) == '/') {
            throw new Unsupported("INVALID_INPUT: " + SqlTokens.position(sql, to.start()) + ": UNLOAD's TO location must be an S3 location, "
                    + "s3://bucket/prefix/, not '" + location + "'");
        }
        String[] bucketAndPrefix = bucketAndKey(location);
        String bucket = bucketAndPrefix[0];
        String prefix = bucketAndPrefix[1];
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        index += 2;
        if (index >= tokens.size() || !tokens.get(index).is("WITH") || index + 1 >= tokens.size() || !tokens.get(index + 1).isSymbol("(")) {
            throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, index < tokens.size() ? tokens.get(index).start() : sql.length())
                    + ": UNLOAD needs WITH (format = '...') after its TO location: " + syntax);
        }
        int propertiesClose = matching(tokens, index + 1);
        if (propertiesClose != tokens.size() - 1) {
            throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, tokens.get(propertiesClose + 1).start()) + ": extraneous input '"
                    + tokens.get(propertiesClose + 1).text() + "' after UNLOAD's WITH (...)");
        }
        Map<String, String> properties = properties(sql, tokens, index + 1, propertiesClose);
        String format = Optional.ofNullable(properties.get("format")).map(value -> unquote(value).toUpperCase(Locale.ROOT))
                .orElseThrow(() -> new Unsupported("INVALID_INPUT: UNLOAD needs the property format: one of " + String.join(", ", UNLOAD_FORMATS)));
        if (!UNLOAD_FORMATS.contains(format)) {
            throw new Unsupported("INVALID_INPUT: UNLOAD's format " + properties.get("format") + " is not one of " + String.join(", ", UNLOAD_FORMATS));
        }
        Map<String, String> tableProperties = new LinkedHashMap<>();
        tableProperties.put("format", literal(format));
        // as for a CTAS table, GZIP unless the statement names another
        String compression = "GZIP";
        boolean partitioned = false;
        for (Map.Entry<String, String> property : properties.entrySet()) {
            String value = property.getValue();
            switch (property.getKey()) {
                case "format" -> {
                    // above
                }
                case "compression" -> compression = unquote(value).toUpperCase(Locale.ROOT);
                case "field_delimiter" -> {
                    if (!format.equals("TEXTFILE")) {
                        throw new Unsupported("INVALID_INPUT: UNLOAD's field_delimiter applies to format TEXTFILE only, not to " + format);
                    }
                    // the value as Athena reads it, escapes such as '\t' resolved
                    List<SqlTokenizer.Token> delimiter = SqlTokens.tokenize(value);
                    if (delimiter.size() != 1 || delimiter.get(0).kind() != SqlTokenizer.Kind.STRING || delimiter.get(0).text().length() != 1) {
                        throw new Unsupported("INVALID_INPUT: UNLOAD's field_delimiter must be one character in single quotes, not " + value);
                    }
                    tableProperties.put("textfile_field_separator", literal(delimiter.get(0).text()));
                }
                case "partitioned_by" -> {
                    tableProperties.put("partitioned_by", value);
                    partitioned = true;
                }
                default -> throw new Unsupported("NOT_SUPPORTED: the UNLOAD property '" + property.getKey() + "' is not supported by lakestack "
                        + "(supported: format, compression, field_delimiter, partitioned_by)");
            }
        }
        Map<String, String> session = Map.of(CATALOG + ".compression_codec", codec(compression));
        return new AthenaStatement("DML", "UNLOAD", Optional.empty(), Optional.empty(), session, Optional.empty(),
                Optional.of(new Unload(query, bucket, prefix, tableProperties, partitioned)));
    }

    /** The bucket and the key (or prefix, empty when there is none) of an {@code s3://bucket/key} location. */
    static String[] bucketAndKey(String location)
    {
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }

    private static AthenaStatement trino(String type, String substatement, String sql)
    {
        return new AthenaStatement(type, substatement, Optional.empty(), Optional.of(sql), Map.of());
    }

    /** {@code CREATE TABLE name [WITH (Athena properties)] AS query [WITH [NO] DATA]}. */
    private static AthenaStatement athenaCtas(String sql, List<SqlTokenizer.Token> tokens, String ctasLocation)
            throws Unsupported
    {
        int index = 1;
        if (!tokens.get(index).is("TABLE")) {
            throw new Unsupported("NOT_SUPPORTED: " + SqlTokens.position(sql, tokens.get(index).start()) + ": CREATE " + tokens.get(index).text() + " is not supported");
        }
        index++;
        if (tokens.size() > index + 2 && tokens.get(index).is("IF")) {
            index += 3;
        }
        while (index < tokens.size() && !tokens.get(index).is("WITH") && !tokens.get(index).is("AS")) {
            index++;
        }
        if (index >= tokens.size()) {
            throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, sql.length()) + ": CREATE TABLE needs AS SELECT (or, for HiveQL, column definitions)");
        }
        String head = sql.substring(0, tokens.get(index - 1).end());
        Map<String, String> properties = new LinkedHashMap<>();
        if (tokens.get(index).is("WITH")) {
            int open = index + 1;
            if (open >= tokens.size() || !tokens.get(open).isSymbol("(")) {
                throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, tokens.get(index).start()) + ": WITH must be followed by (property = value, ...)");
            }
            int close = matching(tokens, open);
            properties = properties(sql, tokens, open, close);
            index = close + 1;
        }
        if (index >= tokens.size() || !tokens.get(index).is("AS")) {
            throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, index < tokens.size() ? tokens.get(index).start() : sql.length()) + ": AS SELECT expected");
        }
        String query = sql.substring(tokens.get(index + 1 < tokens.size() ? index + 1 : index).start());

        Map<String, String> trinoProperties = new LinkedHashMap<>();
        Map<String, String> session = new LinkedHashMap<>();
        String format = "'PARQUET'";
        String compression = "GZIP";
        for (Map.Entry<String, String> property : properties.entrySet()) {
            String value = property.getValue();
            switch (property.getKey()) {
                case "format" -> format = value.toUpperCase(Locale.ROOT);
                case "external_location", "partitioned_by", "bucketed_by", "bucket_count" -> trinoProperties.put(property.getKey(), value);
                case "write_compression", "parquet_compression", "orc_compression" -> compression = unquote(value).toUpperCase(Locale.ROOT);
                case "field_delimiter" -> trinoProperties.put("textfile_field_separator", value);
                case "table_type" -> {
                    if (!unquote(value).equalsIgnoreCase("HIVE")) {
                        throw new Unsupported("NOT_SUPPORTED: table_type " + value + " is not supported by lakestack; CTAS creates Hive tables");
                    }
                }
                case "is_external" -> {
                    // Athena's Hive CTAS tables are external
                }
                default -> throw new Unsupported("NOT_SUPPORTED: the CTAS table property '" + property.getKey() + "' is not supported by lakestack "
                        + "(supported: format, external_location, partitioned_by, bucketed_by, bucket_count, write_compression, field_delimiter)");
            }
        }
        trinoProperties.put("format", format);
        trinoProperties.putIfAbsent("external_location", literal(ctasLocation));
        session.put(CATALOG + ".compression_codec", codec(compression));
        // as Athena does, the table keeps its compression, so that INSERT INTO writes the same
        String compressionProperty = switch (unquote(format)) {
            case "PARQUET" -> "parquet.compression";
            case "ORC" -> "orc.compress";
            default -> "write.compression";
        };
        trinoProperties.put("extra_properties", "MAP(ARRAY[" + literal(compressionProperty) + "], ARRAY[" + literal(compression) + "])");
        String rewritten = head + " WITH (" + String.join(", ", trinoProperties.entrySet().stream().map(entry -> entry.getKey() + " = " + entry.getValue()).toList())
                + ") AS " + query;
        return new AthenaStatement("DDL", "CREATE_TABLE_AS_SELECT", Optional.empty(), Optional.of(rewritten), session);
    }

    /** HiveQL's {@code CREATE TABLE name [STORED AS f] [LOCATION l] [TBLPROPERTIES (...)] AS SELECT ...}, on Trino. */
    private static AthenaStatement hiveCtas(HiveStatement.CreateTable create, String ctasLocation)
            throws Unsupported
    {
        if (!create.columns().isEmpty() || !create.partitionedBy().isEmpty() || create.rowFormat().isPresent()) {
            throw new Unsupported("NOT_SUPPORTED: CREATE TABLE ... AS SELECT cannot declare columns, PARTITIONED BY or ROW FORMAT; the query decides them");
        }
        Map<String, String> trinoProperties = new LinkedHashMap<>();
        String format = create.storedAsName().orElse("TEXTFILE");
        trinoProperties.put("format", "'" + format + "'");
        trinoProperties.put("external_location", literal(create.location().orElse(ctasLocation)));
        Map<String, String> session = new LinkedHashMap<>();
        String compression = Optional.ofNullable(create.properties().get("orc.compress"))
                .or(() -> Optional.ofNullable(create.properties().get("parquet.compression")))
                .or(() -> Optional.ofNullable(create.properties().get("write.compression")))
                .orElse(format.equals("TEXTFILE") ? "NONE" : "GZIP");
        session.put(CATALOG + ".compression_codec", codec(compression.toUpperCase(Locale.ROOT)));
        if (!create.properties().isEmpty()) {
            List<String> keys = new ArrayList<>(create.properties().keySet());
            trinoProperties.put("extra_properties", "MAP(ARRAY[" + String.join(", ", keys.stream().map(AthenaStatement::literal).toList()) + "], ARRAY["
                    + String.join(", ", keys.stream().map(key -> literal(create.properties().get(key))).toList()) + "])");
        }
        String name = create.name().database().map(database -> quoted(database) + ".").orElse("") + quoted(create.name().table());
        String sql = "CREATE TABLE " + (create.ifNotExists() ? "IF NOT EXISTS " : "") + name + " WITH ("
                + String.join(", ", trinoProperties.entrySet().stream().map(entry -> entry.getKey() + " = " + entry.getValue()).toList()) + ") AS "
                + create.asQuery().orElseThrow();
        return new AthenaStatement("DDL", "CREATE_TABLE_AS_SELECT", Optional.empty(), Optional.of(sql), session);
    }

    private static String codec(String compression)
            throws Unsupported
    {
        String codec = COMPRESSION.get(compression);
        if (codec == null) {
            throw new Unsupported("NOT_SUPPORTED: compression " + compression + " is not supported (supported: " + String.join(", ",
                    new java.util.TreeSet<>(COMPRESSION.keySet())) + ")");
        }
        return codec;
    }

    private static Map<String, String> properties(String sql, List<SqlTokenizer.Token> tokens, int open, int close)
            throws Unsupported
    {
        Map<String, String> properties = new LinkedHashMap<>();
        int index = open + 1;
        while (index < close) {
            SqlTokenizer.Token key = tokens.get(index);
            if (!key.isName() || index + 1 >= close || !tokens.get(index + 1).isSymbol("=")) {
                throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, key.start()) + ": property = value expected");
            }
            int valueStart = index + 2;
            int valueEnd = valueStart;
            int depth = 0;
            while (valueEnd < close) {
                SqlTokenizer.Token token = tokens.get(valueEnd);
                if (depth == 0 && token.isSymbol(",")) {
                    break;
                }
                if (token.isSymbol("(") || token.isSymbol("[")) {
                    depth++;
                }
                if (token.isSymbol(")") || token.isSymbol("]")) {
                    depth--;
                }
                valueEnd++;
            }
            if (valueEnd == valueStart) {
                throw new Unsupported("SYNTAX_ERROR: " + SqlTokens.position(sql, key.start()) + ": property " + key.text() + " has no value");
            }
            properties.put(key.text().toLowerCase(Locale.ROOT), sql.substring(tokens.get(valueStart).start(), tokens.get(valueEnd - 1).end()));
            index = valueEnd + 1;
        }
        return properties;
    }

    private static int matching(List<SqlTokenizer.Token> tokens, int open)
            throws Unsupported
    {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            if (tokens.get(i).isSymbol("(")) {
                depth++;
            }
            else if (tokens.get(i).isSymbol(")")) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        throw new Unsupported("SYNTAX_ERROR: an opening parenthesis is not closed");
    }

    private static boolean utility(HiveStatement statement)
    {
        return statement instanceof HiveStatement.ShowTables || statement instanceof HiveStatement.ShowDatabases
                || statement instanceof HiveStatement.ShowPartitions || statement instanceof HiveStatement.ShowCreateTable
                || statement instanceof HiveStatement.ShowColumns || statement instanceof HiveStatement.ShowTableProperties
                || statement instanceof HiveStatement.Describe;
    }

    private static String substatement(HiveStatement statement)
    {
        String name = statement.getClass().getSimpleName();
        return switch (name) {
            case "CreateTable" -> "CREATE_TABLE";
            case "CreateDatabase" -> "CREATE_DATABASE";
            case "DropTable" -> "DROP_TABLE";
            case "DropDatabase" -> "DROP_DATABASE";
            case "AddPartitions" -> "ALTER_TABLE_ADD_PARTITION";
            case "DropPartitions" -> "ALTER_TABLE_DROP_PARTITION";
            case "SetTableProperties" -> "ALTER_TABLE_SET_TBLPROPERTIES";
            case "AddColumns" -> "ALTER_TABLE_ADD_COLUMNS";
            case "SetLocation" -> "ALTER_TABLE_SET_LOCATION";
            case "RepairTable" -> "MSCK_REPAIR_TABLE";
            case "ShowTables" -> "SHOW_TABLES";
            case "ShowDatabases" -> "SHOW_DATABASES";
            case "ShowPartitions" -> "SHOW_PARTITIONS";
            case "ShowCreateTable" -> "SHOW_CREATE_TABLE";
            case "ShowColumns" -> "SHOW_COLUMNS";
            case "ShowTableProperties" -> "SHOW_TBLPROPERTIES";
            default -> "DESCRIBE_TABLE";
        };
    }

    private static String unquote(String value)
    {
        return value.length() >= 2 && value.startsWith("'") && value.endsWith("'") ? value.substring(1, value.length() - 1).replace("''", "'") : value;
    }

    private static String literal(String value)
    {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String quoted(String name)
    {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

}
