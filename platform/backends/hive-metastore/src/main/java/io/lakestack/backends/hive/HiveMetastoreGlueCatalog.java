package io.lakestack.backends.hive;

import io.lakestack.backends.hive.ThriftMetastorePool;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.glue.BatchError;
import io.lakestack.spi.glue.CatalogDatabase;
import io.lakestack.spi.glue.CatalogPartition;
import io.lakestack.spi.glue.CatalogTable;
import io.lakestack.spi.glue.Column;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.glue.HiveType;
import io.lakestack.spi.glue.Page;
import io.lakestack.spi.glue.PartitionFilter;
import io.lakestack.spi.glue.SerDeInfo;
import io.lakestack.spi.glue.SkewedInfo;
import io.lakestack.spi.glue.SortColumn;
import io.lakestack.spi.glue.StorageDescriptor;
import io.trino.hive.thrift.metastore.AddPartitionsRequest;
import io.trino.hive.thrift.metastore.AlreadyExistsException;
import io.trino.hive.thrift.metastore.Database;
import io.trino.hive.thrift.metastore.EnvironmentContext;
import io.trino.hive.thrift.metastore.FieldSchema;
import io.trino.hive.thrift.metastore.GetTableRequest;
import io.trino.hive.thrift.metastore.GetTablesRequest;
import io.trino.hive.thrift.metastore.InvalidObjectException;
import io.trino.hive.thrift.metastore.InvalidOperationException;
import io.trino.hive.thrift.metastore.MetaException;
import io.trino.hive.thrift.metastore.NoSuchObjectException;
import io.trino.hive.thrift.metastore.Order;
import io.trino.hive.thrift.metastore.Partition;
import io.trino.hive.thrift.metastore.Table;
import org.apache.thrift.TException;
import org.apache.thrift.transport.TTransportException;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The Glue Data Catalog on a Hive Metastore, over Thrift.
 *
 * <p>Glue's model maps onto the metastore's one to one, with three additions kept in table parameters and hidden
 * from Glue's answers: the table version ({@value #VERSION_PARAMETER}), the metastore's own
 * {@code transient_lastDdlTime} (shown as {@code UpdateTime}), and parameters lakestack had to add for the
 * metastore ({@value #ADDED_PARAMETERS}), so that what a client put is exactly what it gets back.
 */
public final class HiveMetastoreGlueCatalog
        implements GlueCatalog
{
    /** The storage descriptor parameter that holds Glue's {@code SkewedColumnValueLocationMaps}. */
    static final String SKEWED_LOCATIONS = "lakestack.glue.skewed-value-locations";

    static final String VERSION_PARAMETER = "lakestack.glue.version";
    static final String ADDED_PARAMETERS = "lakestack.glue.added-parameters";
    /** Alters without the metastore's "fast stats" (numFiles, totalSize), which Glue does not add to what a client wrote. */
    private static final EnvironmentContext KEEP_PARAMETERS = new EnvironmentContext(Map.of("DO_NOT_UPDATE_STATS", "true"));
    static final String CREATE_TIME_PARAMETER = "lakestack.glue.create-time";
    private static final String DDL_TIME = "transient_lastDdlTime";
    private static final Set<String> HIDDEN_PARAMETERS = Set.of(VERSION_PARAMETER, ADDED_PARAMETERS, DDL_TIME, CREATE_TIME_PARAMETER);
    private static final Pattern NAME = Pattern.compile("[a-z0-9_][a-z0-9_-]{0,254}");
    private static final Pattern LOCATION = Pattern.compile("(s3|s3a|s3n)://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?");

    private final ThriftMetastorePool metastore;

    public HiveMetastoreGlueCatalog(ThriftMetastorePool metastore)
    {
        this.metastore = requireNonNull(metastore, "metastore is null");
    }

    // databases

    @Override
    public void createDatabase(CatalogDatabase database)
    {
        String name = name(database.name(), "database");
        database.locationUri().ifPresent(location -> location(location, "database " + name));
        Map<String, String> parameters = new HashMap<>(database.parameters());
        // this metastore's Thrift API has no database creation time; Glue's has
        parameters.put(CREATE_TIME_PARAMETER, String.valueOf(Instant.now().getEpochSecond()));
        Database thrift = new Database(name, database.description().orElse(null), database.locationUri().orElse(null), parameters);
        call("create database " + name, (client, api) -> {
            api.createDatabase(thrift);
            return null;
        });
    }

    @Override
    public CatalogDatabase getDatabase(String name)
    {
        Database database = call("get database " + name, (client, api) -> api.getDatabase(name.toLowerCase(Locale.ROOT)));
        return toDatabase(database);
    }

    @Override
    public Page<CatalogDatabase> getDatabases(Optional<String> nextToken, int maxResults)
    {
        List<String> names = new ArrayList<>(call("list databases", (client, api) -> api.getAllDatabases()));
        names.sort(Comparator.naturalOrder());
        int offset = OffsetTokens.offset(nextToken, "InvalidInputException");
        List<CatalogDatabase> page = new ArrayList<>();
        for (String name : names.subList(Math.min(offset, names.size()), Math.min(offset + maxResults, names.size()))) {
            try {
                page.add(getDatabase(name));
            }
            catch (ServiceException e) {
                if (!e.errorCode().equals("EntityNotFoundException")) {
                    throw e;
                }
                // deleted meanwhile
            }
        }
        return new Page<>(page, OffsetTokens.next(offset + maxResults, names.size()));
    }

    @Override
    public void updateDatabase(String name, CatalogDatabase database)
    {
        String existing = name.toLowerCase(Locale.ROOT);
        if (!database.name().toLowerCase(Locale.ROOT).equals(existing)) {
            throw invalid("Renaming database " + existing + " to " + database.name() + " is not supported");
        }
        database.locationUri().ifPresent(location -> location(location, "database " + existing));
        Database current = call("get database " + existing, (client, api) -> api.getDatabase(existing));
        current.setDescription(database.description().orElse(null));
        database.locationUri().ifPresent(current::setLocationUri);
        Map<String, String> parameters = new HashMap<>(database.parameters());
        if (current.getParameters() != null && current.getParameters().containsKey(CREATE_TIME_PARAMETER)) {
            parameters.put(CREATE_TIME_PARAMETER, current.getParameters().get(CREATE_TIME_PARAMETER));
        }
        current.setParameters(parameters);
        call("update database " + existing, (client, api) -> {
            api.alterDatabase(existing, current);
            return null;
        });
    }

    @Override
    public void deleteDatabase(String name)
    {
        String database = name.toLowerCase(Locale.ROOT);
        call("delete database " + database, (client, api) -> {
            api.dropDatabase(database, false, true);
            return null;
        });
    }

    // tables

    @Override
    public void createTable(CatalogTable table)
    {
        String database = table.databaseName().toLowerCase(Locale.ROOT);
        getDatabase(database);
        Table thrift = toThrift(table, database, name(table.name(), "table"), "0");
        call("create table " + database + "." + thrift.getTableName(), (client, api) -> {
            api.createTable(thrift);
            return null;
        });
    }

    @Override
    public CatalogTable getTable(String database, String name)
    {
        return toTable(fetchTable(database.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT)));
    }

    private Table fetchTable(String database, String name)
    {
        return call("get table " + database + "." + name, (client, api) -> api.getTableReq(new GetTableRequest(database, name)).getTable());
    }

    @Override
    public Page<CatalogTable> getTables(String database, Optional<String> expression, Optional<String> nextToken, int maxResults)
    {
        String db = database.toLowerCase(Locale.ROOT);
        getDatabase(db);
        Predicate<String> filter = expression.map(HiveMetastoreGlueCatalog::tableNameFilter).orElse(name -> true);
        List<String> names = new ArrayList<>(call("list tables of " + db, (client, api) -> api.getAllTables(db)).stream().filter(filter).toList());
        names.sort(Comparator.naturalOrder());
        int offset = OffsetTokens.offset(nextToken, "InvalidInputException");
        List<String> pageNames = names.subList(Math.min(offset, names.size()), Math.min(offset + maxResults, names.size()));
        List<CatalogTable> tables = new ArrayList<>();
        if (!pageNames.isEmpty()) {
            GetTablesRequest request = new GetTablesRequest(db);
            request.setTblNames(new ArrayList<>(pageNames));
            List<Table> objects = call("get tables of " + db, (client, api) -> api.getTableObjectsByNameReq(request).getTables());
            objects.stream().map(this::toTable).sorted(Comparator.comparing(CatalogTable::name)).forEach(tables::add);
        }
        return new Page<>(tables, OffsetTokens.next(offset + maxResults, names.size()));
    }

    private static Predicate<String> tableNameFilter(String expression)
    {
        try {
            return TableNameExpression.compile(expression);
        }
        catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    @Override
    public void updateTable(CatalogTable table)
    {
        String database = table.databaseName().toLowerCase(Locale.ROOT);
        String name = table.name().toLowerCase(Locale.ROOT);
        Table current = fetchTable(database, name);
        long version = Long.parseLong(current.getParameters() == null ? "0" : current.getParameters().getOrDefault(VERSION_PARAMETER, "0"));
        Table updated = toThrift(table, database, name, String.valueOf(version + 1));
        updated.setCreateTime(current.getCreateTime());
        call("update table " + database + "." + name, (client, api) -> {
            api.alterTableWithEnvironmentContext(database, name, updated, KEEP_PARAMETERS);
            return null;
        });
    }

    @Override
    public void deleteTable(String database, String name)
    {
        String db = database.toLowerCase(Locale.ROOT);
        String table = name.toLowerCase(Locale.ROOT);
        call("delete table " + db + "." + table, (client, api) -> {
            api.dropTable(db, table, false);
            return null;
        });
    }

    // partitions

    @Override
    public void createPartition(CatalogPartition partition)
    {
        Table table = fetchTable(partition.databaseName().toLowerCase(Locale.ROOT), partition.tableName().toLowerCase(Locale.ROOT));
        Partition thrift = toThrift(partition, table);
        call("create partition " + partition.values() + " of " + table.getDbName() + "." + table.getTableName(), (client, api) -> api.addPartition(thrift));
    }

    @Override
    public List<BatchError<List<String>>> createPartitions(String database, String tableName, List<CatalogPartition> partitions)
    {
        Table table = fetchTable(database.toLowerCase(Locale.ROOT), tableName.toLowerCase(Locale.ROOT));
        List<Partition> thrift = new ArrayList<>();
        List<BatchError<List<String>>> errors = new ArrayList<>();
        for (CatalogPartition partition : partitions) {
            try {
                thrift.add(toThrift(partition, table));
            }
            catch (ServiceException e) {
                errors.add(new BatchError<>(partition.values(), e.errorCode(), e.getMessage()));
            }
        }
        if (thrift.isEmpty()) {
            return errors;
        }
        try {
            AddPartitionsRequest request = new AddPartitionsRequest(table.getDbName(), table.getTableName(), thrift, false);
            request.setNeedResult(false);
            call("create partitions of " + table.getDbName() + "." + table.getTableName(), (client, api) -> api.addPartitionsReq(request));
        }
        catch (ServiceException batchFailure) {
            // one bad partition fails the metastore's whole batch: add them one by one to learn which
            for (Partition partition : thrift) {
                try {
                    call("create partition " + partition.getValues(), (client, api) -> api.addPartition(partition));
                }
                catch (ServiceException e) {
                    errors.add(new BatchError<>(partition.getValues(), e.errorCode(), e.getMessage()));
                }
            }
        }
        return errors;
    }

    @Override
    public CatalogPartition getPartition(String database, String table, List<String> values)
    {
        String db = database.toLowerCase(Locale.ROOT);
        String name = table.toLowerCase(Locale.ROOT);
        Table thriftTable = fetchTable(db, name);
        checkValues(thriftTable, values);
        Partition partition = call("get partition " + values + " of " + db + "." + name, (client, api) -> api.getPartition(db, name, values));
        return toPartition(partition);
    }

    @Override
    public List<CatalogPartition> getPartitions(String database, String table, List<List<String>> values)
    {
        String db = database.toLowerCase(Locale.ROOT);
        String name = table.toLowerCase(Locale.ROOT);
        Table thriftTable = fetchTable(db, name);
        List<String> names = new ArrayList<>();
        for (List<String> partitionValues : values) {
            checkValues(thriftTable, partitionValues);
            names.add(partitionName(thriftTable.getPartitionKeys(), partitionValues));
        }
        if (names.isEmpty()) {
            return List.of();
        }
        return call("get partitions of " + db + "." + name, (client, api) -> api.getPartitionsByNames(db, name, names)).stream()
                .map(HiveMetastoreGlueCatalog::toPartition)
                .toList();
    }

    @Override
    public Page<CatalogPartition> getPartitions(String database, String table, Optional<String> expression, Optional<String> nextToken, int maxResults)
    {
        String db = database.toLowerCase(Locale.ROOT);
        String name = table.toLowerCase(Locale.ROOT);
        Table thriftTable = fetchTable(db, name);
        List<Column> keys = thriftTable.getPartitionKeys().stream().map(HiveMetastoreGlueCatalog::toColumn).toList();
        Predicate<List<String>> filter;
        try {
            filter = expression.filter(text -> !text.isBlank()).map(text -> PartitionFilter.parse(text, keys)).orElse(values -> true);
        }
        catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        List<Partition> all = call("list partitions of " + db + "." + name, (client, api) -> api.getPartitions(db, name, (short) -1));
        List<Partition> matching = new ArrayList<>(all.stream().filter(partition -> filter.test(partition.getValues())).toList());
        matching.sort(Comparator.comparing(partition -> String.join("\u0000", partition.getValues())));
        int offset = OffsetTokens.offset(nextToken, "InvalidInputException");
        List<CatalogPartition> page = matching.subList(Math.min(offset, matching.size()), Math.min(offset + maxResults, matching.size())).stream()
                .map(HiveMetastoreGlueCatalog::toPartition)
                .toList();
        return new Page<>(page, OffsetTokens.next(offset + maxResults, matching.size()));
    }

    @Override
    public void updatePartition(String database, String table, List<String> values, CatalogPartition partition)
    {
        String db = database.toLowerCase(Locale.ROOT);
        String name = table.toLowerCase(Locale.ROOT);
        Table thriftTable = fetchTable(db, name);
        checkValues(thriftTable, values);
        Partition existing = call("get partition " + values + " of " + db + "." + name, (client, api) -> api.getPartition(db, name, values));
        Partition updated = toThrift(partition, thriftTable);
        updated.setCreateTime(existing.getCreateTime());
        if (updated.getValues().equals(values)) {
            call("update partition " + values + " of " + db + "." + name, (client, api) -> {
                api.alterPartitionWithEnvironmentContext(db, name, updated, KEEP_PARAMETERS);
                return null;
            });
        }
        else {
            call("rename partition " + values + " of " + db + "." + name, (client, api) -> {
                api.renamePartition(db, name, values, updated);
                return null;
            });
        }
    }

    @Override
    public void deletePartition(String database, String table, List<String> values)
    {
        String db = database.toLowerCase(Locale.ROOT);
        String name = table.toLowerCase(Locale.ROOT);
        checkValues(fetchTable(db, name), values);
        call("delete partition " + values + " of " + db + "." + name, (client, api) -> api.dropPartition(db, name, values, false));
    }

    // mapping

    private static CatalogDatabase toDatabase(Database database)
    {
        Map<String, String> raw = database.getParameters() == null ? Map.of() : database.getParameters();
        return new CatalogDatabase(database.getName(), Optional.ofNullable(database.getDescription()), Optional.ofNullable(database.getLocationUri()),
                withoutHidden(raw), Optional.ofNullable(raw.get(CREATE_TIME_PARAMETER)).map(Long::parseLong).map(Instant::ofEpochSecond));
    }

    private Table toThrift(CatalogTable table, String database, String name, String version)
    {
        String tableType = table.tableType().orElse(null);
        Map<String, String> parameters = new LinkedHashMap<>(table.parameters());
        HIDDEN_PARAMETERS.forEach(parameters::remove);
        List<String> added = new ArrayList<>();
        if (table.description().isPresent() && !parameters.containsKey("comment")) {
            // Hive keeps a table's description in its "comment" parameter
            parameters.put("comment", table.description().get());
            added.add("comment");
        }
        if ("EXTERNAL_TABLE".equals(tableType) && !parameters.containsKey("EXTERNAL")) {
            // the metastore treats a table as external by this parameter, Glue by the table type
            parameters.put("EXTERNAL", "TRUE");
            added.add("EXTERNAL");
        }
        if (!added.isEmpty()) {
            parameters.put(ADDED_PARAMETERS, String.join(",", added));
        }
        parameters.put(VERSION_PARAMETER, version);
        boolean view = "VIRTUAL_VIEW".equals(tableType);
        if (!view) {
            table.storage().location().ifPresent(location -> location(location, "table " + database + "." + name));
        }
        Table thrift = new Table();
        thrift.setDbName(database);
        thrift.setTableName(name);
        thrift.setOwner(table.owner().orElse(null));
        thrift.setCreateTime((int) table.createTime().orElse(Instant.now()).getEpochSecond());
        thrift.setLastAccessTime((int) table.lastAccessTime().map(Instant::getEpochSecond).orElse(0L).longValue());
        thrift.setRetention(table.retention());
        thrift.setSd(toThrift(table.storage(), "table " + database + "." + name));
        thrift.setPartitionKeys(new ArrayList<>(columns(table.partitionKeys(), "partition key", "table " + database + "." + name, true)));
        thrift.setParameters(parameters);
        thrift.setViewOriginalText(table.viewOriginalText().orElse(null));
        thrift.setViewExpandedText(table.viewExpandedText().orElse(null));
        thrift.setTableType(tableType);
        return thrift;
    }

    private CatalogTable toTable(Table table)
    {
        Map<String, String> raw = table.getParameters() == null ? Map.of() : table.getParameters();
        Map<String, String> parameters = new LinkedHashMap<>(raw);
        HIDDEN_PARAMETERS.forEach(parameters::remove);
        for (String added : raw.getOrDefault(ADDED_PARAMETERS, "").split(",")) {
            if (!added.isEmpty()) {
                parameters.remove(added);
            }
        }
        Optional<Instant> updateTime = Optional.ofNullable(raw.get(DDL_TIME)).map(Long::parseLong).map(Instant::ofEpochSecond);
        return new CatalogTable(
                table.getDbName(),
                table.getTableName(),
                Optional.ofNullable(raw.get("comment")),
                Optional.ofNullable(table.getOwner()),
                table.getCreateTime() > 0 ? Optional.of(Instant.ofEpochSecond(table.getCreateTime())) : Optional.empty(),
                updateTime,
                table.getLastAccessTime() > 0 ? Optional.of(Instant.ofEpochSecond(table.getLastAccessTime())) : Optional.empty(),
                table.getRetention(),
                toStorage(table.getSd()),
                table.getPartitionKeys() == null ? List.of() : table.getPartitionKeys().stream().map(HiveMetastoreGlueCatalog::toColumn).toList(),
                Optional.ofNullable(table.getViewOriginalText()),
                Optional.ofNullable(table.getViewExpandedText()),
                Optional.ofNullable(table.getTableType()),
                parameters,
                Optional.of(raw.getOrDefault(VERSION_PARAMETER, "0")));
    }

    private static io.trino.hive.thrift.metastore.StorageDescriptor toThrift(StorageDescriptor storage, String owner)
    {
        io.trino.hive.thrift.metastore.StorageDescriptor thrift = new io.trino.hive.thrift.metastore.StorageDescriptor();
        thrift.setCols(new ArrayList<>(columns(storage.columns(), "column", owner, false)));
        thrift.setLocation(storage.location().orElse(null));
        thrift.setInputFormat(storage.inputFormat().orElse(null));
        thrift.setOutputFormat(storage.outputFormat().orElse(null));
        thrift.setCompressed(storage.compressed());
        thrift.setNumBuckets(storage.numberOfBuckets());
        io.trino.hive.thrift.metastore.SerDeInfo serde = new io.trino.hive.thrift.metastore.SerDeInfo(storage.serdeInfo().name().orElse(null),
                storage.serdeInfo().serializationLibrary().orElse(null), new HashMap<>(storage.serdeInfo().parameters()));
        thrift.setSerdeInfo(serde);
        thrift.setBucketCols(new ArrayList<>(storage.bucketColumns()));
        thrift.setSortCols(new ArrayList<>(storage.sortColumns().stream().map(sort -> new Order(sort.column(), sort.sortOrder())).toList()));
        Map<String, String> parameters = new HashMap<>(storage.parameters());
        thrift.setStoredAsSubDirectories(storage.storedAsSubDirectories());
        if (!storage.skewedInfo().isEmpty()) {
            // each of Glue's values is one tuple of the metastore's; the value locations go into a parameter, since the metastore's Thrift
            // client (Trino's too) cannot read a location map back (its keys are lists, read into a TreeMap)
            thrift.setSkewedInfo(new io.trino.hive.thrift.metastore.SkewedInfo(new ArrayList<>(storage.skewedInfo().columnNames()),
                    new ArrayList<>(storage.skewedInfo().columnValues().stream().map(value -> (List<String>) new ArrayList<>(List.of(value))).toList()),
                    new HashMap<>()));
            if (!storage.skewedInfo().valueLocations().isEmpty()) {
                parameters.put(SKEWED_LOCATIONS, QueryStringMaps.encode(storage.skewedInfo().valueLocations()));
            }
        }
        thrift.setParameters(parameters);
        return thrift;
    }

    private static StorageDescriptor toStorage(io.trino.hive.thrift.metastore.StorageDescriptor storage)
    {
        if (storage == null) {
            return new StorageDescriptor(List.of(), Optional.empty(), Optional.empty(), Optional.empty(), false, 0, SerDeInfo.NONE, List.of(), List.of(),
                    Map.of(), false);
        }
        io.trino.hive.thrift.metastore.SerDeInfo serde = storage.getSerdeInfo();
        return new StorageDescriptor(
                storage.getCols() == null ? List.of() : storage.getCols().stream().map(HiveMetastoreGlueCatalog::toColumn).toList(),
                Optional.ofNullable(storage.getLocation()),
                Optional.ofNullable(storage.getInputFormat()),
                Optional.ofNullable(storage.getOutputFormat()),
                storage.isCompressed(),
                storage.getNumBuckets(),
                serde == null ? SerDeInfo.NONE : new SerDeInfo(Optional.ofNullable(serde.getName()), Optional.ofNullable(serde.getSerializationLib()),
                        serde.getParameters() == null ? Map.of() : serde.getParameters()),
                storage.getBucketCols() == null ? List.of() : storage.getBucketCols(),
                storage.getSortCols() == null ? List.of() : storage.getSortCols().stream().map(order -> new SortColumn(order.getCol(), order.getOrder())).toList(),
                withoutSkewedLocations(storage.getParameters()),
                storage.isStoredAsSubDirectories(),
                skewedInfo(storage.getSkewedInfo(), storage.getParameters()));
    }

    private static Map<String, String> withoutSkewedLocations(Map<String, String> parameters)
    {
        if (parameters == null) {
            return Map.of();
        }
        Map<String, String> kept = new HashMap<>(parameters);
        kept.remove(SKEWED_LOCATIONS);
        return kept;
    }

    private static SkewedInfo skewedInfo(io.trino.hive.thrift.metastore.SkewedInfo skewed, Map<String, String> parameters)
    {
        if (skewed == null) {
            return SkewedInfo.NONE;
        }
        String locations = parameters == null ? null : parameters.get(SKEWED_LOCATIONS);
        return new SkewedInfo(skewed.getSkewedColNames() == null ? List.of() : skewed.getSkewedColNames(),
                skewed.getSkewedColValues() == null ? List.of() : skewed.getSkewedColValues().stream().map(value -> String.join(",", value)).toList(),
                locations == null ? Map.of() : QueryStringMaps.decode(locations));
    }

    private static List<FieldSchema> columns(List<Column> columns, String kind, String owner, boolean primitiveOnly)
    {
        List<FieldSchema> fields = new ArrayList<>();
        for (Column column : columns) {
            if (column.name().isBlank()) {
                throw invalid("A " + kind + " of " + owner + " has an empty name");
            }
            HiveType type;
            try {
                type = HiveType.parse(column.type());
            }
            catch (IllegalArgumentException e) {
                throw invalid("Invalid type for " + kind + " '" + column.name() + "' of " + owner + ": " + e.getMessage());
            }
            if (primitiveOnly && !type.isPrimitive()) {
                throw invalid("The " + kind + " '" + column.name() + "' of " + owner + " must have a primitive type, not " + type);
            }
            FieldSchema field = new FieldSchema(column.name().toLowerCase(Locale.ROOT), type.toString(), column.comment().orElse(null));
            fields.add(field);
        }
        return fields;
    }

    private static Column toColumn(FieldSchema field)
    {
        return new Column(field.getName(), field.getType(), Optional.ofNullable(field.getComment()), Map.of());
    }

    private Partition toThrift(CatalogPartition partition, Table table)
    {
        checkValues(table, partition.values());
        Partition thrift = new Partition();
        thrift.setDbName(table.getDbName());
        thrift.setTableName(table.getTableName());
        thrift.setValues(new ArrayList<>(partition.values()));
        int now = (int) Instant.now().getEpochSecond();
        thrift.setCreateTime((int) partition.creationTime().map(Instant::getEpochSecond).orElse((long) now).longValue());
        thrift.setLastAccessTime((int) partition.lastAccessTime().map(Instant::getEpochSecond).orElse(0L).longValue());
        StorageDescriptor storage = partition.storage();
        String owner = "partition " + partition.values() + " of " + table.getDbName() + "." + table.getTableName();
        storage.location().ifPresent(location -> location(location, owner));
        io.trino.hive.thrift.metastore.StorageDescriptor sd = storage.columns().isEmpty() && storage.serdeInfo().serializationLibrary().isEmpty()
                ? inherit(table.getSd(), storage)
                : toThrift(storage, owner);
        thrift.setSd(sd);
        thrift.setParameters(new HashMap<>(partition.parameters()));
        return thrift;
    }

    /** A partition given without columns or SerDe takes its table's, as Glue's readers would. */
    private static io.trino.hive.thrift.metastore.StorageDescriptor inherit(io.trino.hive.thrift.metastore.StorageDescriptor table, StorageDescriptor storage)
    {
        io.trino.hive.thrift.metastore.StorageDescriptor copy = table.deepCopy();
        copy.setLocation(storage.location().orElse(null));
        storage.inputFormat().ifPresent(copy::setInputFormat);
        storage.outputFormat().ifPresent(copy::setOutputFormat);
        if (!storage.parameters().isEmpty()) {
            copy.setParameters(new HashMap<>(storage.parameters()));
        }
        return copy;
    }

    private static CatalogPartition toPartition(Partition partition)
    {
        return new CatalogPartition(partition.getDbName(), partition.getTableName(), partition.getValues(),
                partition.getCreateTime() > 0 ? Optional.of(Instant.ofEpochSecond(partition.getCreateTime())) : Optional.empty(),
                partition.getLastAccessTime() > 0 ? Optional.of(Instant.ofEpochSecond(partition.getLastAccessTime())) : Optional.empty(),
                toStorage(partition.getSd()),
                partition.getParameters() == null ? Map.of() : withoutHidden(partition.getParameters()));
    }

    private static Map<String, String> withoutHidden(Map<String, String> parameters)
    {
        Map<String, String> visible = new LinkedHashMap<>(parameters);
        HIDDEN_PARAMETERS.forEach(visible::remove);
        return visible;
    }

    private static void checkValues(Table table, List<String> values)
    {
        int keys = table.getPartitionKeys() == null ? 0 : table.getPartitionKeys().size();
        if (values.size() != keys) {
            throw invalid("Table " + table.getDbName() + "." + table.getTableName() + " has " + keys + " partition key(s), but "
                    + values.size() + " partition value(s) were given: " + values);
        }
    }

    private static String partitionName(List<FieldSchema> keys, List<String> values)
    {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            name.append(i == 0 ? "" : "/").append(keys.get(i).getName()).append('=').append(escapePathName(values.get(i)));
        }
        return name.toString();
    }

    /** Hive's escaping of partition values in partition names. */
    private static String escapePathName(String value)
    {
        StringBuilder escaped = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c < 0x20 || "\"#%'*/:=?\\\u007F{[]^".indexOf(c) >= 0) {
                escaped.append('%').append(String.format("%02X", (int) c));
            }
            else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static String name(String name, String what)
    {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!NAME.matcher(lower).matches()) {
            throw invalid("The " + what + " name '" + name + "' is not valid: use 1 to 255 lower-case letters, digits, underscores or hyphens");
        }
        return lower;
    }

    private static void location(String location, String owner)
    {
        if (!LOCATION.matcher(location).matches()) {
            throw invalid("The location '" + location + "' of " + owner + " is not valid: it must be s3://<bucket>/<prefix>");
        }
        URI.create(location.replace(" ", "%20"));
    }

    // paging

    // errors

    private <T> T call(String operation, ThriftMetastorePool.Call<T> call)
    {
        try {
            return metastore.call(call);
        }
        catch (NoSuchObjectException e) {
            throw ServiceException.user("EntityNotFoundException", 400, notFound(operation));
        }
        catch (AlreadyExistsException e) {
            throw ServiceException.user("AlreadyExistsException", 400, alreadyExists(operation, e.getMessage()));
        }
        catch (InvalidObjectException | InvalidOperationException e) {
            throw invalid("Cannot " + operation + ": " + e.getMessage());
        }
        catch (MetaException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.contains("does not exist") || message.contains("not found")) {
                throw ServiceException.user("EntityNotFoundException", 400, "Cannot " + operation + ": " + message);
            }
            if (message.contains("is not a directory or unable to create one") || message.contains("Invalid")) {
                throw invalid("Cannot " + operation + ": " + message);
            }
            throw new ServiceException(ErrorKind.EXTERNAL, "InternalServiceException", 500, "Cannot " + operation + ": the metastore answered " + message, e);
        }
        catch (TTransportException e) {
            throw ServiceException.external("InternalServiceException", "Cannot " + operation + ": the metastore at " + metastore.address()
                    + " is not reachable (" + e.getMessage() + ")", e);
        }
        catch (TException e) {
            throw new ServiceException(ErrorKind.EXTERNAL, "InternalServiceException", 500, "Cannot " + operation + ": " + e, e);
        }
    }

    /**
     * Glue's message for a missing entity: {@code Database x not found.}, {@code Table t not found.} (the database when it is the one
     * missing), without the metastore's own wording.
     */
    private String notFound(String operation)
    {
        String resource = operation.replaceFirst("^(get|update|delete|create|list|rename) ", "");
        if (resource.startsWith("database ")) {
            return "Database " + resource.substring(9) + " not found.";
        }
        // <database>.<table>, out of "table d.t", "tables of d", "partitions of d.t" or "partition [v] of d.t"
        String qualified = resource.replaceFirst("^(table |tables of |partitions of |partition .* of )", "");
        int dot = qualified.indexOf('.');
        String database = dot < 0 ? qualified : qualified.substring(0, dot);
        if (!databaseExists(database)) {
            return "Database " + database + " not found.";
        }
        return resource.startsWith("partition") ? "Cannot find partition." : "Table " + qualified.substring(dot + 1) + " not found.";
    }

    private boolean databaseExists(String database)
    {
        try {
            metastore.call((client, api) -> api.getDatabase(database));
            return true;
        }
        catch (NoSuchObjectException e) {
            return false;
        }
        catch (TException | RuntimeException e) {
            // the message then names what was asked for
            return true;
        }
    }

    private static String alreadyExists(String operation, String detail)
    {
        String resource = operation.replaceFirst("^create ", "");
        String entity = resource.startsWith("database ") ? "Database " + resource.substring(9)
                : resource.startsWith("table ") ? "Table " + resource.substring(6)
                : resource.startsWith("partition ") ? "Partition " + resource.substring(10)
                : resource;
        return entity + " already exists." + (detail == null || detail.isBlank() ? "" : " (" + detail + ")");
    }

    private static ServiceException invalid(String message)
    {
        return ServiceException.user("InvalidInputException", message);
    }
}
