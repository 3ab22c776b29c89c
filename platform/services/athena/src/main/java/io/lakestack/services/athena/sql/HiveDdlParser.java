package io.lakestack.services.athena.sql;

import io.lakestack.spi.glue.Column;
import io.lakestack.spi.glue.HiveType;
import io.lakestack.spi.sql.SqlTokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Parses the HiveQL DDL of Athena: {@code CREATE [EXTERNAL] TABLE} (with {@code PARTITIONED BY},
 * {@code CLUSTERED BY}, {@code ROW FORMAT SERDE | DELIMITED}, {@code STORED AS}, {@code LOCATION},
 * {@code TBLPROPERTIES} and HiveQL's {@code AS SELECT}), {@code CREATE DATABASE}, {@code DROP TABLE / DATABASE},
 * {@code ALTER TABLE ADD / DROP PARTITION, SET TBLPROPERTIES, ADD / REPLACE COLUMNS, SET LOCATION},
 * {@code MSCK REPAIR TABLE}, {@code SHOW TABLES / DATABASES / PARTITIONS / CREATE TABLE / COLUMNS / TBLPROPERTIES},
 * {@code DESCRIBE}.
 *
 * <p>Errors are {@link IllegalArgumentException}s whose message starts with {@code line L:C:}, as Athena's do.
 */
public final class HiveDdlParser
{
    /** The formats of {@code STORED AS}, by name. */
    public static final Map<String, HiveStatement.StorageFormat> FORMATS = Map.of(
            "TEXTFILE", new HiveStatement.StorageFormat("org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"),
            "PARQUET", new HiveStatement.StorageFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                    "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"),
            "ORC", new HiveStatement.StorageFormat("org.apache.hadoop.hive.ql.io.orc.OrcInputFormat", "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
                    "org.apache.hadoop.hive.ql.io.orc.OrcSerde"),
            "AVRO", new HiveStatement.StorageFormat("org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
                    "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat", "org.apache.hadoop.hive.serde2.avro.AvroSerDe"),
            "SEQUENCEFILE", new HiveStatement.StorageFormat("org.apache.hadoop.mapred.SequenceFileInputFormat",
                    "org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat", "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"),
            "RCFILE", new HiveStatement.StorageFormat("org.apache.hadoop.hive.ql.io.RCFileInputFormat", "org.apache.hadoop.hive.ql.io.RCFileOutputFormat",
                    "org.apache.hadoop.hive.serde2.columnar.LazyBinaryColumnarSerDe"),
            "JSONFILE", new HiveStatement.StorageFormat("org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    "org.apache.hadoop.hive.serde2.JsonSerDe"));

    private final String sql;
    private final List<SqlTokenizer.Token> tokens;
    private int position;

    private HiveDdlParser(String sql)
    {
        this.sql = sql;
        this.tokens = SqlTokens.tokenize(sql);
    }

    /** Whether the statement is HiveQL DDL this parser handles (and not Trino SQL such as Athena's CTAS or a view). */
    public static boolean isHiveDdl(String sql)
    {
        List<SqlTokenizer.Token> tokens;
        try {
            tokens = SqlTokens.tokenize(sql);
        }
        catch (IllegalArgumentException e) {
            return false;
        }
        if (tokens.isEmpty()) {
            return false;
        }
        SqlTokenizer.Token first = tokens.get(0);
        if (first.is("MSCK") || first.is("SHOW") || first.is("DESCRIBE") || first.is("DESC") || first.is("ALTER")) {
            return !(first.is("ALTER") && tokens.size() > 1 && tokens.get(1).is("VIEW"));
        }
        if (first.is("DROP")) {
            return tokens.size() > 1 && (tokens.get(1).is("TABLE") || tokens.get(1).is("DATABASE") || tokens.get(1).is("SCHEMA"));
        }
        if (first.is("CREATE")) {
            if (tokens.size() > 1 && (tokens.get(1).is("DATABASE") || tokens.get(1).is("SCHEMA") || tokens.get(1).is("EXTERNAL"))) {
                return true;
            }
            if (tokens.size() > 1 && tokens.get(1).is("TABLE")) {
                // Athena's CTAS is CREATE TABLE ... WITH (...) AS or CREATE TABLE ... AS: Trino SQL, unless HiveQL clauses appear
                for (SqlTokenizer.Token token : tokens) {
                    if (token.is("AS")) {
                        return tokens.stream().takeWhile(t -> t != token).anyMatch(t -> t.is("STORED") || t.is("TBLPROPERTIES")
                                || t.is("ROW") || t.is("LOCATION") || t.is("PARTITIONED"));
                    }
                }
                return true;
            }
        }
        return false;
    }

    public static HiveStatement parse(String sql)
    {
        HiveDdlParser parser = new HiveDdlParser(SqlTokens.stripTerminator(sql));
        HiveStatement statement = parser.statement();
        if (parser.position < parser.tokens.size()) {
            throw parser.error(parser.tokens.get(parser.position), "mismatched input '" + parser.tokens.get(parser.position).text() + "'");
        }
        return statement;
    }

    private HiveStatement statement()
    {
        SqlTokenizer.Token first = next();
        if (first.is("CREATE")) {
            if (accept("EXTERNAL")) {
                expect("TABLE");
                return createTable(true);
            }
            if (accept("TABLE")) {
                return createTable(false);
            }
            if (accept("DATABASE") || accept("SCHEMA")) {
                return createDatabase();
            }
        }
        if (first.is("DROP")) {
            if (accept("TABLE")) {
                boolean ifExists = ifExists();
                return new HiveStatement.DropTable(tableName(), ifExists);
            }
            if (accept("DATABASE") || accept("SCHEMA")) {
                boolean ifExists = ifExists();
                String name = name();
                boolean cascade = accept("CASCADE");
                if (!cascade) {
                    accept("RESTRICT");
                }
                return new HiveStatement.DropDatabase(name, ifExists, cascade);
            }
        }
        if (first.is("ALTER")) {
            expect("TABLE");
            return alterTable(tableName());
        }
        if (first.is("MSCK")) {
            expect("REPAIR");
            expect("TABLE");
            return new HiveStatement.RepairTable(tableName());
        }
        if (first.is("DESCRIBE") || first.is("DESC")) {
            boolean formatted = accept("FORMATTED") || accept("EXTENDED");
            HiveStatement.TableName table = tableName();
            if (position < tokens.size() && peek().isName()) {
                // DESCRIBE table column: the column's part of the table
                next();
            }
            return new HiveStatement.Describe(table, formatted);
        }
        if (first.is("SHOW")) {
            return show();
        }
        throw error(first, "this HiveQL statement is not supported: " + first.text());
    }

    private HiveStatement show()
    {
        SqlTokenizer.Token what = next();
        if (what.is("TABLES")) {
            Optional<String> database = Optional.empty();
            if (accept("IN") || accept("FROM")) {
                database = Optional.of(name());
            }
            Optional<String> pattern = Optional.empty();
            if (accept("LIKE") || (position < tokens.size() && peek().kind() == SqlTokenizer.Kind.STRING)) {
                pattern = Optional.of(string());
            }
            return new HiveStatement.ShowTables(database, pattern);
        }
        if (what.is("DATABASES") || what.is("SCHEMAS")) {
            Optional<String> pattern = Optional.empty();
            if (accept("LIKE") || (position < tokens.size() && peek().kind() == SqlTokenizer.Kind.STRING)) {
                pattern = Optional.of(string());
            }
            return new HiveStatement.ShowDatabases(pattern);
        }
        if (what.is("PARTITIONS")) {
            return new HiveStatement.ShowPartitions(tableName());
        }
        if (what.is("CREATE")) {
            expect("TABLE");
            return new HiveStatement.ShowCreateTable(tableName());
        }
        if (what.is("COLUMNS")) {
            if (!accept("IN")) {
                expect("FROM");
            }
            HiveStatement.TableName table = tableName();
            if (accept("IN") || accept("FROM")) {
                table = new HiveStatement.TableName(Optional.of(name()), table.table());
            }
            return new HiveStatement.ShowColumns(table);
        }
        if (what.is("TBLPROPERTIES")) {
            HiveStatement.TableName table = tableName();
            Optional<String> property = Optional.empty();
            if (acceptSymbol("(")) {
                property = Optional.of(string());
                expectSymbol(")");
            }
            return new HiveStatement.ShowTableProperties(table, property);
        }
        throw error(what, "SHOW " + what.text() + " is not supported");
    }

    private HiveStatement createDatabase()
    {
        boolean ifNotExists = ifNotExists();
        String name = name();
        Optional<String> comment = Optional.empty();
        Optional<String> location = Optional.empty();
        Map<String, String> properties = Map.of();
        while (position < tokens.size()) {
            if (accept("COMMENT")) {
                comment = Optional.of(string());
            }
            else if (accept("LOCATION")) {
                location = Optional.of(string());
            }
            else if (accept("WITH")) {
                expect("DBPROPERTIES");
                properties = properties();
            }
            else {
                throw error(peek(), "mismatched input '" + peek().text() + "'");
            }
        }
        return new HiveStatement.CreateDatabase(name, ifNotExists, comment, location, properties);
    }

    private HiveStatement createTable(boolean external)
    {
        boolean ifNotExists = ifNotExists();
        HiveStatement.TableName name = tableName();
        List<Column> columns = List.of();
        if (position < tokens.size() && peek().isSymbol("(")) {
            columns = columns();
        }
        Optional<String> comment = Optional.empty();
        List<Column> partitionedBy = List.of();
        List<String> clusteredBy = List.of();
        int buckets = -1;
        Optional<HiveStatement.RowFormat> rowFormat = Optional.empty();
        Optional<HiveStatement.StorageFormat> storedAs = Optional.empty();
        Optional<String> storedAsName = Optional.empty();
        Optional<String> location = Optional.empty();
        Map<String, String> properties = Map.of();
        Optional<String> asQuery = Optional.empty();
        while (position < tokens.size()) {
            SqlTokenizer.Token token = next();
            if (token.is("COMMENT")) {
                comment = Optional.of(string());
            }
            else if (token.is("PARTITIONED")) {
                expect("BY");
                partitionedBy = columns();
            }
            else if (token.is("CLUSTERED")) {
                expect("BY");
                clusteredBy = nameList();
                if (accept("SORTED")) {
                    expect("BY");
                    nameList();
                }
                expect("INTO");
                buckets = Integer.parseInt(next().text());
                expect("BUCKETS");
            }
            else if (token.is("ROW")) {
                expect("FORMAT");
                rowFormat = Optional.of(rowFormat());
            }
            else if (token.is("STORED")) {
                expect("AS");
                if (accept("INPUTFORMAT")) {
                    String input = string();
                    expect("OUTPUTFORMAT");
                    String output = string();
                    storedAs = Optional.of(new HiveStatement.StorageFormat(input, output, "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"));
                }
                else {
                    SqlTokenizer.Token format = next();
                    HiveStatement.StorageFormat known = FORMATS.get(format.upper());
                    if (known == null) {
                        throw error(format, "STORED AS " + format.text() + " is not supported (supported: " + String.join(", ", new java.util.TreeSet<>(FORMATS.keySet())) + ")");
                    }
                    storedAs = Optional.of(known);
                    storedAsName = Optional.of(format.upper());
                }
            }
            else if (token.is("LOCATION")) {
                location = Optional.of(string());
            }
            else if (token.is("TBLPROPERTIES")) {
                properties = properties();
            }
            else if (token.is("AS")) {
                if (position >= tokens.size()) {
                    throw error(token, "AS must be followed by a query");
                }
                asQuery = Optional.of(sql.substring(tokens.get(position).start()));
                position = tokens.size();
            }
            else {
                throw error(token, "mismatched input '" + token.text() + "'");
            }
        }
        if (columns.isEmpty() && asQuery.isEmpty()) {
            throw error(tokens.get(tokens.size() - 1), "CREATE TABLE needs column definitions or AS SELECT");
        }
        return new HiveStatement.CreateTable(name, external, ifNotExists, columns, comment, partitionedBy, clusteredBy, buckets, rowFormat, storedAs,
                storedAsName, location, properties, asQuery);
    }

    private HiveStatement.RowFormat rowFormat()
    {
        if (accept("SERDE")) {
            String serde = string();
            Map<String, String> properties = Map.of();
            if (accept("WITH")) {
                expect("SERDEPROPERTIES");
                properties = properties();
            }
            return new HiveStatement.RowFormat(serde, properties);
        }
        expect("DELIMITED");
        Map<String, String> properties = new LinkedHashMap<>();
        while (position < tokens.size()) {
            if (accept("FIELDS")) {
                expect("TERMINATED");
                expect("BY");
                String delimiter = string();
                properties.put("field.delim", delimiter);
                properties.put("serialization.format", delimiter);
                if (accept("ESCAPED")) {
                    expect("BY");
                    properties.put("escape.delim", string());
                }
            }
            else if (accept("COLLECTION")) {
                expect("ITEMS");
                expect("TERMINATED");
                expect("BY");
                properties.put("collection.delim", string());
            }
            else if (accept("MAP")) {
                expect("KEYS");
                expect("TERMINATED");
                expect("BY");
                properties.put("mapkey.delim", string());
            }
            else if (accept("LINES")) {
                expect("TERMINATED");
                expect("BY");
                properties.put("line.delim", string());
            }
            else if (accept("NULL")) {
                expect("DEFINED");
                expect("AS");
                properties.put("serialization.null.format", string());
            }
            else {
                break;
            }
        }
        return new HiveStatement.RowFormat("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", properties);
    }

    private HiveStatement alterTable(HiveStatement.TableName table)
    {
        if (accept("ADD")) {
            if (accept("COLUMNS")) {
                return new HiveStatement.AddColumns(table, columns(), false);
            }
            boolean ifNotExists = ifNotExists();
            List<HiveStatement.PartitionSpec> partitions = new ArrayList<>();
            do {
                expect("PARTITION");
                Map<String, String> values = partitionValues();
                Optional<String> location = accept("LOCATION") ? Optional.of(string()) : Optional.empty();
                partitions.add(new HiveStatement.PartitionSpec(values, location));
            }
            while (position < tokens.size() && peek().is("PARTITION"));
            return new HiveStatement.AddPartitions(table, ifNotExists, partitions);
        }
        if (accept("DROP")) {
            boolean ifExists = ifExists();
            List<HiveStatement.PartitionSpec> partitions = new ArrayList<>();
            do {
                expect("PARTITION");
                partitions.add(new HiveStatement.PartitionSpec(partitionValues(), Optional.empty()));
            }
            while (acceptSymbol(","));
            return new HiveStatement.DropPartitions(table, ifExists, partitions);
        }
        if (accept("REPLACE")) {
            expect("COLUMNS");
            return new HiveStatement.AddColumns(table, columns(), true);
        }
        if (accept("SET")) {
            if (accept("TBLPROPERTIES")) {
                return new HiveStatement.SetTableProperties(table, properties());
            }
            if (accept("LOCATION")) {
                return new HiveStatement.SetLocation(table, string());
            }
        }
        throw error(position < tokens.size() ? peek() : tokens.get(tokens.size() - 1), "this ALTER TABLE form is not supported");
    }

    private Map<String, String> partitionValues()
    {
        expectSymbol("(");
        Map<String, String> values = new LinkedHashMap<>();
        do {
            String key = name();
            expectSymbol("=");
            SqlTokenizer.Token value = next();
            if (value.kind() != SqlTokenizer.Kind.STRING && value.kind() != SqlTokenizer.Kind.NUMBER) {
                throw error(value, "a partition value must be a literal");
            }
            values.put(key, value.text());
        }
        while (acceptSymbol(","));
        expectSymbol(")");
        return values;
    }

    private List<Column> columns()
    {
        expectSymbol("(");
        List<Column> columns = new ArrayList<>();
        do {
            String name = name();
            int typeStart = position;
            int depth = 0;
            while (position < tokens.size()) {
                SqlTokenizer.Token token = peek();
                if (depth == 0 && (token.isSymbol(",") || token.isSymbol(")") || token.is("COMMENT"))) {
                    break;
                }
                if (token.isSymbol("<") || token.isSymbol("(")) {
                    depth++;
                }
                else if (token.isSymbol(">") || token.isSymbol(")")) {
                    depth--;
                }
                next();
            }
            if (position == typeStart) {
                throw error(position < tokens.size() ? peek() : tokens.get(tokens.size() - 1), "column " + name + " needs a type");
            }
            String rawType = sql.substring(tokens.get(typeStart).start(), tokens.get(position - 1).end());
            String type;
            try {
                type = HiveType.parse(rawType).toString();
            }
            catch (IllegalArgumentException e) {
                throw error(tokens.get(typeStart), "column " + name + ": " + e.getMessage());
            }
            Optional<String> comment = accept("COMMENT") ? Optional.of(string()) : Optional.empty();
            columns.add(new Column(name.toLowerCase(Locale.ROOT), type, comment, Map.of()));
        }
        while (acceptSymbol(","));
        expectSymbol(")");
        return columns;
    }

    private List<String> nameList()
    {
        expectSymbol("(");
        List<String> names = new ArrayList<>();
        do {
            names.add(name());
            if (accept("ASC") || accept("DESC")) {
                // sort order of SORTED BY
            }
        }
        while (acceptSymbol(","));
        expectSymbol(")");
        return names;
    }

    private Map<String, String> properties()
    {
        expectSymbol("(");
        Map<String, String> properties = new LinkedHashMap<>();
        if (acceptSymbol(")")) {
            return properties;
        }
        do {
            String key = string();
            expectSymbol("=");
            properties.put(key, string());
        }
        while (acceptSymbol(","));
        expectSymbol(")");
        return properties;
    }

    private HiveStatement.TableName tableName()
    {
        String first = name();
        if (acceptSymbol(".")) {
            return new HiveStatement.TableName(Optional.of(first), name());
        }
        return new HiveStatement.TableName(Optional.empty(), first);
    }

    private String name()
    {
        SqlTokenizer.Token token = next();
        if (!token.isName()) {
            throw error(token, "a name is expected, not '" + token.text() + "'");
        }
        return token.text();
    }

    private String string()
    {
        SqlTokenizer.Token token = next();
        if (token.kind() != SqlTokenizer.Kind.STRING) {
            throw error(token, "a quoted string is expected, not '" + token.text() + "'");
        }
        return token.text();
    }

    private boolean ifNotExists()
    {
        if (accept("IF")) {
            expect("NOT");
            expect("EXISTS");
            return true;
        }
        return false;
    }

    private boolean ifExists()
    {
        if (accept("IF")) {
            expect("EXISTS");
            return true;
        }
        return false;
    }

    private SqlTokenizer.Token peek()
    {
        return tokens.get(position);
    }

    private SqlTokenizer.Token next()
    {
        if (position >= tokens.size()) {
            throw SqlTokens.error(sql, sql.length(), "mismatched input '<EOF>'");
        }
        return tokens.get(position++);
    }

    private boolean accept(String keyword)
    {
        if (position < tokens.size() && tokens.get(position).is(keyword)) {
            position++;
            return true;
        }
        return false;
    }

    private boolean acceptSymbol(String symbol)
    {
        if (position < tokens.size() && tokens.get(position).isSymbol(symbol)) {
            position++;
            return true;
        }
        return false;
    }

    private void expect(String keyword)
    {
        SqlTokenizer.Token token = next();
        if (!token.is(keyword)) {
            throw error(token, "mismatched input '" + token.text() + "'. Expecting: '" + keyword + "'");
        }
    }

    private void expectSymbol(String symbol)
    {
        SqlTokenizer.Token token = next();
        if (!token.isSymbol(symbol)) {
            throw error(token, "mismatched input '" + token.text() + "'. Expecting: '" + symbol + "'");
        }
    }

    private IllegalArgumentException error(SqlTokenizer.Token token, String message)
    {
        return SqlTokens.error(sql, token.start(), message);
    }
}
