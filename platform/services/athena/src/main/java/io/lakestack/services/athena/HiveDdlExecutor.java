package io.lakestack.services.athena;

import com.google.re2j.Pattern;
import io.lakestack.services.athena.sql.HiveDdlParser;
import io.lakestack.services.athena.sql.HiveStatement;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.glue.BatchError;
import io.lakestack.spi.glue.CatalogDatabase;
import io.lakestack.spi.glue.CatalogPartition;
import io.lakestack.spi.glue.CatalogTable;
import io.lakestack.spi.glue.Column;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.glue.Page;
import io.lakestack.spi.glue.SerDeInfo;
import io.lakestack.spi.glue.StorageDescriptor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Runs Athena's HiveQL DDL against the Glue Data Catalog, as Athena's DDL engine does: the catalog changes, no data
 * moves. {@code MSCK REPAIR TABLE} lists the table's location to find partitions.
 *
 * <p>A stopped query ({@code StopQueryExecution}) is noticed between the steps of a statement: before it starts,
 * between pages of the catalog ({@code SHOW TABLES}, {@code SHOW DATABASES}, {@code SHOW PARTITIONS}, the partitions
 * {@code MSCK REPAIR TABLE} compares with), between the batches of 100 partitions {@code MSCK REPAIR TABLE} adds, and
 * between the partitions of {@code ALTER TABLE DROP PARTITION}. A step in progress runs to its end: one call to the
 * metastore (which times out after 60 s), or the listing of a table's location by {@code MSCK REPAIR TABLE} (one
 * object store request per 1,000 keys).
 */
final class HiveDdlExecutor
{
    /**
     * SerDes Trino has no reader for, and the equivalent one lakestack stores instead (recorded in {@value #SUBSTITUTED}).
     * The contrib {@code JsonSerde} (of the hive-json-serde project the OpenX SerDe grew from) writes a nested object or
     * array to a string column as its JSON text, as the OpenX SerDe does and the HCatalog one refuses to; Hive 3's
     * {@code JsonSerDe} is the HCatalog one moved.
     */
    static final Map<String, String> SERDE_SUBSTITUTES = Map.of(
            "org.apache.hadoop.hive.contrib.serde2.JsonSerde", "org.openx.data.jsonserde.JsonSerDe",
            "org.apache.hadoop.hive.serde2.JsonSerDe", "org.apache.hive.hcatalog.data.JsonSerDe");
    static final String SUBSTITUTED = "lakestack.serde.substituted-for";

    /** A statement's result: its columns and rows (no header row), and Athena's substatement type. */
    record Result(List<String> columns, List<List<String>> rows, String substatementType)
    {
        static Result empty(String substatementType)
        {
            return new Result(List.of(), List.of(), substatementType);
        }
    }

    /** The largest SHOW ... LIKE pattern, in RE2 instructions (about one per character). */
    static final int MAX_SHOW_PATTERN_SIZE = 2_000;

    private final GlueCatalog catalog;
    private final ObjectStore store;

    HiveDdlExecutor(GlueCatalog catalog, ObjectStore store)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.store = requireNonNull(store, "store is null");
    }

    /**
     * The compression Athena writes a table's new files with: its {@code parquet.compression}, {@code orc.compress}
     * or {@code write.compression} property; empty when it has none or does not exist (the engine then reports it).
     */
    Optional<String> writeCompression(String database, String table)
    {
        try {
            Map<String, String> parameters = catalog.getTable(database, table).parameters();
            return Optional.ofNullable(parameters.get("parquet.compression"))
                    .or(() -> Optional.ofNullable(parameters.get("orc.compress")))
                    .or(() -> Optional.ofNullable(parameters.get("write.compression")));
        }
        catch (ServiceException e) {
            return Optional.empty();
        }
    }

    /**
     * @param database the query's database, for unqualified names
     * @param cancelled whether the query was stopped; read between the steps of the statement
     * @throws DdlFailure with Athena's message when the statement cannot be carried out
     * @throws Cancelled when the query was stopped before the statement finished
     */
    Result execute(HiveStatement statement, String database, BooleanSupplier cancelled)
            throws DdlFailure, Cancelled
    {
        checkCancelled(cancelled);
        try {
            if (statement instanceof HiveStatement.CreateTable create) {
                return createTable(create, database);
            }
            if (statement instanceof HiveStatement.CreateDatabase create) {
                return createDatabase(create);
            }
            if (statement instanceof HiveStatement.DropTable drop) {
                return dropTable(drop, database);
            }
            if (statement instanceof HiveStatement.DropDatabase drop) {
                return dropDatabase(drop);
            }
            if (statement instanceof HiveStatement.AddPartitions add) {
                return addPartitions(add, database);
            }
            if (statement instanceof HiveStatement.DropPartitions drop) {
                return dropPartitions(drop, database, cancelled);
            }
            if (statement instanceof HiveStatement.SetTableProperties set) {
                return setProperties(set, database);
            }
            if (statement instanceof HiveStatement.AddColumns add) {
                return addColumns(add, database);
            }
            if (statement instanceof HiveStatement.SetLocation set) {
                return setLocation(set, database);
            }
            if (statement instanceof HiveStatement.RepairTable repair) {
                return repair(repair, database, cancelled);
            }
            if (statement instanceof HiveStatement.ShowTables show) {
                return showTables(show, database, cancelled);
            }
            if (statement instanceof HiveStatement.ShowDatabases show) {
                return showDatabases(show, cancelled);
            }
            if (statement instanceof HiveStatement.ShowPartitions show) {
                return showPartitions(show, database, cancelled);
            }
            if (statement instanceof HiveStatement.ShowCreateTable show) {
                return showCreateTable(show, database);
            }
            if (statement instanceof HiveStatement.ShowColumns show) {
                return showColumns(show, database);
            }
            if (statement instanceof HiveStatement.ShowTableProperties show) {
                return showProperties(show, database);
            }
            if (statement instanceof HiveStatement.Describe describe) {
                return describe(describe, database);
            }
            throw new IllegalStateException("unhandled statement " + statement);
        }
        catch (ServiceException e) {
            throw new DdlFailure(e.errorCode() + ": " + e.getMessage());
        }
    }

    /** The query was stopped before its statement finished. */
    static final class Cancelled
            extends Exception
    {
        private static final long serialVersionUID = 1L;

        Cancelled()
        {
            super("Query cancelled by user");
        }
    }

    private static void checkCancelled(BooleanSupplier cancelled)
            throws Cancelled
    {
        if (cancelled.getAsBoolean()) {
            throw new Cancelled();
        }
    }

    /** Athena's DDL failure: the message becomes the query's StateChangeReason. */
    static final class DdlFailure
            extends Exception
    {
        private static final long serialVersionUID = 1L;

        DdlFailure(String message)
        {
            super(message);
        }
    }

    private Result createTable(HiveStatement.CreateTable create, String database)
            throws DdlFailure
    {
        String db = database(create.name(), database);
        String name = create.name().table().toLowerCase(Locale.ROOT);
        if (!create.external()) {
            throw new DdlFailure("Only external tables can be created with CREATE TABLE: use CREATE EXTERNAL TABLE ... LOCATION 's3://...' "
                    + "(or CREATE TABLE ... AS SELECT)");
        }
        if (create.location().isEmpty()) {
            throw new DdlFailure("CREATE EXTERNAL TABLE " + db + "." + name + " needs a LOCATION 's3://<bucket>/<prefix>/'");
        }
        requireDatabase(db);
        if (create.ifNotExists() && tableExists(db, name)) {
            return Result.empty("CREATE_TABLE");
        }
        HiveStatement.StorageFormat format = create.storedAs().orElse(HiveDdlParser.FORMATS.get("TEXTFILE"));
        String serde = create.rowFormat().map(HiveStatement.RowFormat::serde).orElse(format.defaultSerde());
        Map<String, String> serdeParameters = new LinkedHashMap<>(create.rowFormat().map(HiveStatement.RowFormat::properties).orElse(Map.of()));
        Map<String, String> parameters = new LinkedHashMap<>(create.properties());
        parameters.put("EXTERNAL", "TRUE");
        String substitute = SERDE_SUBSTITUTES.get(serde);
        if (substitute != null) {
            parameters.put(SUBSTITUTED, serde);
            serde = substitute;
        }
        if (serde.equals("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe") && !serdeParameters.containsKey("serialization.format")) {
            serdeParameters.put("serialization.format", serdeParameters.getOrDefault("field.delim", "1"));
        }
        String location = create.location().get();
        requireBucket(location);
        StorageDescriptor storage = new StorageDescriptor(create.columns(), Optional.of(location), Optional.of(format.inputFormat()),
                Optional.of(format.outputFormat()), false, create.buckets(), new SerDeInfo(Optional.empty(), Optional.of(serde), serdeParameters),
                create.clusteredBy(), List.of(), Map.of(), false);
        catalog.createTable(new CatalogTable(db, name, create.comment(), Optional.of("lakestack"), Optional.empty(), Optional.empty(), Optional.empty(), 0,
                storage, create.partitionedBy(), Optional.empty(), Optional.empty(), Optional.of("EXTERNAL_TABLE"), parameters, Optional.empty()));
        return Result.empty("CREATE_TABLE");
    }

    private Result createDatabase(HiveStatement.CreateDatabase create)
            throws DdlFailure
    {
        String name = create.name().toLowerCase(Locale.ROOT);
        try {
            catalog.getDatabase(name);
            if (create.ifNotExists()) {
                return Result.empty("CREATE_DATABASE");
            }
            throw new DdlFailure("Database " + name + " already exists");
        }
        catch (ServiceException e) {
            if (!e.errorCode().equals("EntityNotFoundException")) {
                throw e;
            }
        }
        if (create.location().isPresent()) {
            requireBucket(create.location().get());
        }
        catalog.createDatabase(new CatalogDatabase(name, create.comment(), create.location(), create.properties(), Optional.empty()));
        return Result.empty("CREATE_DATABASE");
    }

    private Result dropTable(HiveStatement.DropTable drop, String database)
            throws DdlFailure
    {
        String db = database(drop.name(), database);
        String name = drop.name().table().toLowerCase(Locale.ROOT);
        if (!tableExists(db, name)) {
            if (drop.ifExists()) {
                return Result.empty("DROP_TABLE");
            }
            throw new DdlFailure("Table " + db + "." + name + " does not exist");
        }
        catalog.deleteTable(db, name);
        return Result.empty("DROP_TABLE");
    }

    private Result dropDatabase(HiveStatement.DropDatabase drop)
            throws DdlFailure
    {
        String name = drop.name().toLowerCase(Locale.ROOT);
        try {
            catalog.getDatabase(name);
        }
        catch (ServiceException e) {
            if (e.errorCode().equals("EntityNotFoundException") && drop.ifExists()) {
                return Result.empty("DROP_DATABASE");
            }
            throw new DdlFailure("Database " + name + " does not exist");
        }
        if (!drop.cascade() && !catalog.getTables(name, Optional.empty(), Optional.empty(), 1).items().isEmpty()) {
            throw new DdlFailure("Database " + name + " is not empty. One or more tables exist; drop them first or use DROP DATABASE " + name + " CASCADE");
        }
        catalog.deleteDatabase(name);
        return Result.empty("DROP_DATABASE");
    }

    private Result addPartitions(HiveStatement.AddPartitions add, String database)
            throws DdlFailure
    {
        CatalogTable table = table(add.table(), database);
        List<CatalogPartition> partitions = new ArrayList<>();
        for (HiveStatement.PartitionSpec spec : add.partitions()) {
            List<String> values = values(table, spec);
            String location = spec.location().orElseGet(() -> defaultLocation(table, values));
            requireBucket(location);
            partitions.add(new CatalogPartition(table.databaseName(), table.name(), values, Optional.empty(), Optional.empty(),
                    table.storage().withLocation(location), Map.of()));
        }
        List<BatchError<List<String>>> errors = catalog.createPartitions(table.databaseName(), table.name(), partitions);
        for (BatchError<List<String>> error : errors) {
            if (!(add.ifNotExists() && error.errorCode().equals("AlreadyExistsException"))) {
                throw new DdlFailure("Partition " + error.item() + " of " + table.databaseName() + "." + table.name() + ": " + error.errorMessage());
            }
        }
        return Result.empty("ALTER_TABLE_ADD_PARTITION");
    }

    private Result dropPartitions(HiveStatement.DropPartitions drop, String database, BooleanSupplier cancelled)
            throws DdlFailure, Cancelled
    {
        CatalogTable table = table(drop.table(), database);
        for (HiveStatement.PartitionSpec spec : drop.partitions()) {
            checkCancelled(cancelled);
            List<String> values = values(table, spec);
            try {
                catalog.deletePartition(table.databaseName(), table.name(), values);
            }
            catch (ServiceException e) {
                if (!(drop.ifExists() && e.errorCode().equals("EntityNotFoundException"))) {
                    throw e;
                }
            }
        }
        return Result.empty("ALTER_TABLE_DROP_PARTITION");
    }

    private Result setProperties(HiveStatement.SetTableProperties set, String database)
            throws DdlFailure
    {
        CatalogTable table = table(set.table(), database);
        Map<String, String> parameters = new LinkedHashMap<>(table.parameters());
        parameters.putAll(set.properties());
        catalog.updateTable(table.withParameters(parameters));
        return Result.empty("ALTER_TABLE_SET_TBLPROPERTIES");
    }

    private Result addColumns(HiveStatement.AddColumns add, String database)
            throws DdlFailure
    {
        CatalogTable table = table(add.table(), database);
        List<Column> columns = new ArrayList<>(add.replace() ? List.of() : table.storage().columns());
        Set<String> names = new HashSet<>();
        columns.forEach(column -> names.add(column.name()));
        for (Column column : add.columns()) {
            if (!names.add(column.name())) {
                throw new DdlFailure("Column " + column.name() + " already exists in " + table.databaseName() + "." + table.name());
            }
            columns.add(column);
        }
        catalog.updateTable(table.withStorage(table.storage().withColumns(columns)));
        return Result.empty(add.replace() ? "ALTER_TABLE_REPLACE_COLUMNS" : "ALTER_TABLE_ADD_COLUMNS");
    }

    private Result setLocation(HiveStatement.SetLocation set, String database)
            throws DdlFailure
    {
        CatalogTable table = table(set.table(), database);
        requireBucket(set.location());
        catalog.updateTable(table.withStorage(table.storage().withLocation(set.location())));
        return Result.empty("ALTER_TABLE_SET_LOCATION");
    }

    private Result repair(HiveStatement.RepairTable repair, String database, BooleanSupplier cancelled)
            throws DdlFailure, Cancelled
    {
        CatalogTable table = table(repair.table(), database);
        if (table.partitionKeys().isEmpty()) {
            throw new DdlFailure("Table " + table.databaseName() + "." + table.name() + " is not partitioned; MSCK REPAIR TABLE has nothing to do");
        }
        String location = table.storage().location().orElseThrow(() -> new DdlFailure("Table " + table.name() + " has no location"));
        String[] bucketAndPrefix = bucketAndPrefix(location);
        List<ObjectStore.Entry> objects;
        try {
            objects = store.list(bucketAndPrefix[0], bucketAndPrefix[1]);
        }
        catch (IOException e) {
            throw new DdlFailure("Cannot list the table's location " + location + ": " + e.getMessage());
        }
        Map<List<String>, String> found = new LinkedHashMap<>();
        for (ObjectStore.Entry object : objects) {
            String relative = object.key().substring(bucketAndPrefix[1].length());
            String[] segments = relative.split("/");
            if (segments.length <= table.partitionKeys().size()) {
                continue;
            }
            List<String> values = new ArrayList<>();
            StringBuilder folder = new StringBuilder(bucketAndPrefix[1]);
            boolean matches = true;
            for (int i = 0; i < table.partitionKeys().size(); i++) {
                String expected = table.partitionKeys().get(i).name() + "=";
                if (!segments[i].toLowerCase(Locale.ROOT).startsWith(expected)) {
                    matches = false;
                    break;
                }
                values.add(unescape(segments[i].substring(expected.length())));
                folder.append(segments[i]).append('/');
            }
            if (matches) {
                found.putIfAbsent(values, "s3://" + bucketAndPrefix[0] + "/" + folder);
            }
        }
        Set<List<String>> existing = new HashSet<>();
        Optional<String> token = Optional.empty();
        do {
            checkCancelled(cancelled);
            Page<CatalogPartition> page = catalog.getPartitions(table.databaseName(), table.name(), Optional.empty(), token, 1000);
            page.items().forEach(partition -> existing.add(partition.values()));
            token = page.nextToken();
        }
        while (token.isPresent());
        List<CatalogPartition> missing = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        found.forEach((values, folder) -> {
            if (!existing.contains(values)) {
                missing.add(new CatalogPartition(table.databaseName(), table.name(), values, Optional.empty(), Optional.empty(),
                        table.storage().withLocation(folder), Map.of()));
            }
        });
        if (!missing.isEmpty()) {
            rows.add(List.of("Partitions not in metastore:\t" + String.join("\t", missing.stream().map(partition -> table.name() + ":"
                    + partitionName(table, partition.values())).toList())));
            for (int start = 0; start < missing.size(); start += 100) {
                checkCancelled(cancelled);
                List<CatalogPartition> batch = missing.subList(start, Math.min(missing.size(), start + 100));
                Set<List<String>> failed = new HashSet<>();
                catalog.createPartitions(table.databaseName(), table.name(), batch).forEach(error -> failed.add(error.item()));
                batch.stream().filter(partition -> !failed.contains(partition.values()))
                        .forEach(partition -> rows.add(List.of("Repair: Added partition to metastore " + table.name() + ":" + partitionName(table, partition.values()))));
            }
        }
        return new Result(List.of("result"), rows, "MSCK_REPAIR_TABLE");
    }

    private Result showTables(HiveStatement.ShowTables show, String database, BooleanSupplier cancelled)
            throws DdlFailure, Cancelled
    {
        String db = show.database().orElse(database).toLowerCase(Locale.ROOT);
        Optional<Pattern> pattern = showPattern(show.pattern());
        List<List<String>> rows = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            checkCancelled(cancelled);
            Page<CatalogTable> page = catalog.getTables(db, Optional.empty(), token, 100);
            page.items().stream().map(CatalogTable::name).filter(name -> pattern.map(p -> p.matcher(name).matches()).orElse(true)).forEach(name -> rows.add(List.of(name)));
            token = page.nextToken();
        }
        while (token.isPresent());
        return new Result(List.of("tab_name"), rows, "SHOW_TABLES");
    }

    private Result showDatabases(HiveStatement.ShowDatabases show, BooleanSupplier cancelled)
            throws DdlFailure, Cancelled
    {
        Optional<Pattern> pattern = showPattern(show.pattern());
        List<List<String>> rows = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            checkCancelled(cancelled);
            Page<CatalogDatabase> page = catalog.getDatabases(token, 100);
            page.items().stream().map(CatalogDatabase::name).filter(name -> pattern.map(p -> p.matcher(name).matches()).orElse(true)).forEach(name -> rows.add(List.of(name)));
            token = page.nextToken();
        }
        while (token.isPresent());
        return new Result(List.of("database_name"), rows, "SHOW_DATABASES");
    }

    private Result showPartitions(HiveStatement.ShowPartitions show, String database, BooleanSupplier cancelled)
            throws DdlFailure, Cancelled
    {
        CatalogTable table = table(show.table(), database);
        if (table.partitionKeys().isEmpty()) {
            throw new DdlFailure("Table " + table.databaseName() + "." + table.name() + " is not partitioned");
        }
        List<List<String>> rows = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            checkCancelled(cancelled);
            Page<CatalogPartition> page = catalog.getPartitions(table.databaseName(), table.name(), Optional.empty(), token, 1000);
            page.items().forEach(partition -> rows.add(List.of(partitionName(table, partition.values()))));
            token = page.nextToken();
        }
        while (token.isPresent());
        return new Result(List.of("partition"), rows, "SHOW_PARTITIONS");
    }

    private Result showCreateTable(HiveStatement.ShowCreateTable show, String database)
            throws DdlFailure
    {
        CatalogTable table = table(show.table(), database);
        List<List<String>> rows = new ArrayList<>();
        boolean external = table.tableType().map("EXTERNAL_TABLE"::equals).orElse(false);
        rows.add(List.of("CREATE " + (external ? "EXTERNAL " : "") + "TABLE `" + table.databaseName() + "`.`" + table.name() + "`("));
        List<Column> columns = table.storage().columns();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            rows.add(List.of("  `" + column.name() + "` " + column.type() + column.comment().map(comment -> " COMMENT '" + comment + "'").orElse("")
                    + (i < columns.size() - 1 ? "," : ")")));
        }
        if (!table.partitionKeys().isEmpty()) {
            rows.add(List.of("PARTITIONED BY ( "));
            for (int i = 0; i < table.partitionKeys().size(); i++) {
                Column key = table.partitionKeys().get(i);
                rows.add(List.of("  `" + key.name() + "` " + key.type() + (i < table.partitionKeys().size() - 1 ? "," : ")")));
            }
        }
        rows.add(List.of("ROW FORMAT SERDE "));
        rows.add(List.of("  '" + table.storage().serdeInfo().serializationLibrary().orElse("") + "' "));
        if (!table.storage().serdeInfo().parameters().isEmpty()) {
            rows.add(List.of("WITH SERDEPROPERTIES ( "));
            rows.addAll(quotedProperties(table.storage().serdeInfo().parameters()));
        }
        rows.add(List.of("STORED AS INPUTFORMAT "));
        rows.add(List.of("  '" + table.storage().inputFormat().orElse("") + "' "));
        rows.add(List.of("OUTPUTFORMAT "));
        rows.add(List.of("  '" + table.storage().outputFormat().orElse("") + "'"));
        rows.add(List.of("LOCATION"));
        rows.add(List.of("  '" + table.storage().location().orElse("") + "'"));
        Map<String, String> properties = new LinkedHashMap<>(table.parameters());
        properties.remove("EXTERNAL");
        if (!properties.isEmpty()) {
            rows.add(List.of("TBLPROPERTIES ("));
            rows.addAll(quotedProperties(properties));
        }
        return new Result(List.of("createtab_stmt"), rows, "SHOW_CREATE_TABLE");
    }

    private static List<List<String>> quotedProperties(Map<String, String> properties)
    {
        List<String> keys = new ArrayList<>(new TreeSet<>(properties.keySet()));
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            rows.add(List.of("  '" + keys.get(i) + "'='" + properties.get(keys.get(i)) + "'" + (i < keys.size() - 1 ? ", " : ")")));
        }
        return rows;
    }

    private Result showColumns(HiveStatement.ShowColumns show, String database)
            throws DdlFailure
    {
        CatalogTable table = table(show.table(), database);
        List<List<String>> rows = new ArrayList<>();
        table.storage().columns().forEach(column -> rows.add(List.of(column.name())));
        table.partitionKeys().forEach(column -> rows.add(List.of(column.name())));
        return new Result(List.of("field"), rows, "SHOW_COLUMNS");
    }

    private Result showProperties(HiveStatement.ShowTableProperties show, String database)
            throws DdlFailure
    {
        CatalogTable table = table(show.table(), database);
        List<List<String>> rows = new ArrayList<>();
        if (show.property().isPresent()) {
            String value = table.parameters().get(show.property().get());
            if (value == null) {
                throw new DdlFailure("Table " + table.databaseName() + "." + table.name() + " has no property " + show.property().get());
            }
            rows.add(List.of(value));
        }
        else {
            new java.util.TreeMap<>(table.parameters()).forEach((key, value) -> rows.add(List.of(key + "\t" + value)));
        }
        return new Result(List.of("prpt_name"), rows, "SHOW_TBLPROPERTIES");
    }

    private Result describe(HiveStatement.Describe describe, String database)
            throws DdlFailure
    {
        CatalogTable table = table(describe.table(), database);
        List<List<String>> rows = new ArrayList<>();
        table.storage().columns().forEach(column -> rows.add(List.of(describeLine(column))));
        table.partitionKeys().forEach(column -> rows.add(List.of(describeLine(column))));
        if (!table.partitionKeys().isEmpty()) {
            rows.add(List.of(""));
            rows.add(List.of("# Partition Information"));
            rows.add(List.of(String.format("%-20s\t%-20s\t%s", "# col_name", "data_type", "comment")));
            rows.add(List.of(""));
            table.partitionKeys().forEach(column -> rows.add(List.of(describeLine(column))));
        }
        if (describe.formatted()) {
            rows.add(List.of(""));
            rows.add(List.of("# Detailed Table Information"));
            rows.add(List.of("Database:           \t" + table.databaseName()));
            rows.add(List.of("Location:           \t" + table.storage().location().orElse("")));
            rows.add(List.of("Table Type:         \t" + table.tableType().orElse("")));
            rows.add(List.of("SerDe Library:      \t" + table.storage().serdeInfo().serializationLibrary().orElse("")));
            rows.add(List.of("InputFormat:        \t" + table.storage().inputFormat().orElse("")));
            rows.add(List.of("OutputFormat:       \t" + table.storage().outputFormat().orElse("")));
        }
        return new Result(List.of("col_name"), rows, "DESCRIBE_TABLE");
    }

    private static String describeLine(Column column)
    {
        return String.format("%-20s\t%-20s\t%s", column.name(), column.type(), column.comment().orElse(""));
    }

    // helpers

    private CatalogTable table(HiveStatement.TableName name, String database)
            throws DdlFailure
    {
        String db = database(name, database);
        try {
            return catalog.getTable(db, name.table().toLowerCase(Locale.ROOT));
        }
        catch (ServiceException e) {
            if (e.errorCode().equals("EntityNotFoundException")) {
                throw new DdlFailure("Table " + db + "." + name.table().toLowerCase(Locale.ROOT) + " does not exist");
            }
            throw e;
        }
    }

    private boolean tableExists(String database, String name)
    {
        try {
            catalog.getTable(database, name);
            return true;
        }
        catch (ServiceException e) {
            if (e.errorCode().equals("EntityNotFoundException")) {
                return false;
            }
            throw e;
        }
    }

    private void requireDatabase(String database)
            throws DdlFailure
    {
        try {
            catalog.getDatabase(database);
        }
        catch (ServiceException e) {
            if (e.errorCode().equals("EntityNotFoundException")) {
                throw new DdlFailure("Database does not exist: " + database);
            }
            throw e;
        }
    }

    private void requireBucket(String location)
            throws DdlFailure
    {
        if (!location.matches("s3a?://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")) {
            throw new DdlFailure("The location '" + location + "' is not an S3 location: use s3://<bucket>/<prefix>/");
        }
        String bucket = bucketAndPrefix(location)[0];
        try {
            if (!store.bucketExists(bucket)) {
                throw new DdlFailure("The location '" + location + "' is in bucket " + bucket + ", which does not exist");
            }
        }
        catch (IOException e) {
            throw new DdlFailure("The location '" + location + "' is not usable: " + e.getMessage());
        }
    }

    private static List<String> values(CatalogTable table, HiveStatement.PartitionSpec spec)
            throws DdlFailure
    {
        Map<String, String> lower = new LinkedHashMap<>();
        spec.values().forEach((key, value) -> lower.put(key.toLowerCase(Locale.ROOT), value));
        List<String> values = new ArrayList<>();
        for (Column key : table.partitionKeys()) {
            String value = lower.remove(key.name());
            if (value == null) {
                throw new DdlFailure("Partition spec " + spec.values() + " of " + table.databaseName() + "." + table.name() + " lacks the partition key "
                        + key.name() + " (partition keys: " + String.join(", ", table.partitionKeys().stream().map(Column::name).toList()) + ")");
            }
            values.add(value);
        }
        if (!lower.isEmpty()) {
            throw new DdlFailure("Partition spec " + spec.values() + " names " + lower.keySet() + ", which are not partition keys of " + table.databaseName()
                    + "." + table.name());
        }
        return values;
    }

    private static String defaultLocation(CatalogTable table, List<String> values)
    {
        String base = table.storage().location().orElse("");
        return (base.endsWith("/") ? base : base + "/") + partitionName(table, values) + "/";
    }

    private static String partitionName(CatalogTable table, List<String> values)
    {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            parts.add(table.partitionKeys().get(i).name() + "=" + values.get(i));
        }
        return String.join("/", parts);
    }

    private static String unescape(String value)
    {
        try {
            return java.net.URLDecoder.decode(value.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException e) {
            return value;
        }
    }

    private static String[] bucketAndPrefix(String location)
    {
        String rest = location.substring(location.indexOf("://") + 3);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        return new String[] {bucket, prefix};
    }

    /**
     * Athena's SHOW patterns: {@code *} is any text, {@code |} separates alternatives. Matched with RE2J, in time
     * linear in the name (a {@code java.util.regex} of {@code .*a.*a.*a...} backtracks without end), and at most
     * {@value #MAX_SHOW_PATTERN_SIZE} instructions long.
     */
    private static Optional<Pattern> showPattern(Optional<String> pattern)
            throws DdlFailure
    {
        if (pattern.isEmpty()) {
            return Optional.empty();
        }
        if (pattern.get().length() > MAX_SHOW_PATTERN_SIZE) {
            throw showPatternTooLong(pattern.get());
        }
        List<String> alternatives = new ArrayList<>();
        for (String alternative : pattern.get().split("\\|")) {
            List<String> literals = new ArrayList<>();
            for (String literal : alternative.trim().split("\\*", -1)) {
                literals.add(Pattern.quote(literal));
            }
            alternatives.add(String.join(".*", literals));
        }
        String regex = String.join("|", alternatives);
        Pattern compiled = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        if (compiled.programSize() > MAX_SHOW_PATTERN_SIZE) {
            throw showPatternTooLong(pattern.get());
        }
        return Optional.of(compiled);
    }

    private static DdlFailure showPatternTooLong(String pattern)
    {
        return new DdlFailure("The SHOW pattern of " + pattern.length() + " characters is too large: lakestack matches names with patterns of at most "
                + MAX_SHOW_PATTERN_SIZE + " RE2 instructions (a character is one, a * two)");
    }

    private static String database(HiveStatement.TableName name, String database)
    {
        return name.database().orElse(database).toLowerCase(Locale.ROOT);
    }

}
