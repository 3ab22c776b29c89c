package io.lakestack.spi.glue;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HiveTypeTest
{
    @Test
    void writesTypesInTheMetastoresSpelling()
    {
        assertThat(canonical("INTEGER")).isEqualTo("int");
        assertThat(canonical("BigInt")).isEqualTo("bigint");
        assertThat(canonical("double precision")).isEqualTo("double");
        assertThat(canonical("decimal( 10 , 2 )")).isEqualTo("decimal(10,2)");
        assertThat(canonical("DECIMAL")).isEqualTo("decimal");
        assertThat(canonical("numeric(7)")).isEqualTo("decimal(7)");
        assertThat(canonical("varchar(64)")).isEqualTo("varchar(64)");
        assertThat(canonical("CHAR( 3 )")).isEqualTo("char(3)");
        assertThat(canonical("Void")).isEqualTo("void");
        assertThat(canonical("Array< String >")).isEqualTo("array<string>");
        assertThat(canonical("map<string,array<struct<a:int,b:string>>>")).isEqualTo("map<string,array<struct<a:int,b:string>>>");
        assertThat(canonical("struct<name:string, `order`:int comment 'position', tags:array<string>>"))
                .isEqualTo("struct<name:string,order:int,tags:array<string>>");
        assertThat(canonical("UnionType< int, double precision ,array<string> >")).isEqualTo("uniontype<int,double,array<string>>");
        assertThat(HiveType.parse("decimal(10,2)").isPrimitive()).isTrue();
        assertThat(HiveType.parse("varchar(5)").isPrimitive()).isTrue();
        assertThat(HiveType.parse("array<int>").isPrimitive()).isFalse();
        assertThat(HiveType.parse("uniontype<int>").isPrimitive()).isFalse();
        assertThat(HiveType.parse("struct<a:int>").isPrimitive()).isFalse();
    }

    @Test
    void parsesStructFieldNamesWithAndWithoutBackticks()
    {
        HiveType struct = HiveType.parse("struct<`first name`:string, `order`:int comment 'position', zip:char(5)>");

        assertThat(struct.kind()).isEqualTo("struct");
        assertThat(struct.fieldNames()).containsExactly("first name", "order", "zip");
        assertThat(struct.children()).containsExactly(
                new HiveType("string", List.of(), List.of(), List.of()),
                new HiveType("int", List.of(), List.of(), List.of()),
                new HiveType("char", List.of(5), List.of(), List.of()));
        assertThat(struct.children().get(2).length()).isEqualTo(5);
        assertThat(struct).hasToString("struct<first name:string,order:int,zip:char(5)>");
    }

    @Test
    void parsesNestedMapsAndArraysIntoATree()
    {
        HiveType map = HiveType.parse("MAP<string, ARRAY<struct<id:bigint,price:decimal(12,2)>>>");

        assertThat(map.kind()).isEqualTo("map");
        assertThat(map.key()).isEqualTo(new HiveType("string", List.of(), List.of(), List.of()));
        assertThat(map.value().kind()).isEqualTo("array");
        HiveType element = map.value().element();
        assertThat(element.kind()).isEqualTo("struct");
        assertThat(element.fieldNames()).containsExactly("id", "price");
        assertThat(element.children().get(0).kind()).isEqualTo("bigint");
        HiveType price = element.children().get(1);
        assertThat(price.kind()).isEqualTo("decimal");
        assertThat(price.parameters()).containsExactly(12, 2);
        assertThat(price.precision()).isEqualTo(12);
        assertThat(price.scale()).isEqualTo(2);
        assertThat(map).hasToString("map<string,array<struct<id:bigint,price:decimal(12,2)>>>");
        assertThat(HiveType.parse(map.toString())).isEqualTo(map);
    }

    @Test
    void appliesHivesDecimalDefaultsWithoutWritingThem()
    {
        HiveType bare = HiveType.parse("decimal");
        assertThat(bare.parameters()).isEmpty();
        assertThat(bare.precision()).isEqualTo(10);
        assertThat(bare.scale()).isEqualTo(0);
        assertThat(bare).hasToString("decimal");

        HiveType precisionOnly = HiveType.parse("numeric(5)");
        assertThat(precisionOnly.kind()).isEqualTo("decimal");
        assertThat(precisionOnly.precision()).isEqualTo(5);
        assertThat(precisionOnly.scale()).isEqualTo(0);
        assertThat(precisionOnly).hasToString("decimal(5)");
    }

    @Test
    void answersOnlyWhatItsKindHas()
    {
        assertThatThrownBy(() -> HiveType.parse("int").precision())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("int is not a decimal");
        assertThatThrownBy(() -> HiveType.parse("array<int>").key())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("array<int> is not a map");
        assertThatThrownBy(() -> HiveType.parse("string").length())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("string has no length");
        assertThatThrownBy(() -> new HiveType("struct", List.of(), List.of(HiveType.parse("int")), List.of("a", "b")))
                .hasMessage("a struct needs one name per field, not 2 names for 1 fields");
    }

    @Test
    void refusesWhatIsNotAType()
    {
        assertThatThrownBy(() -> HiveType.parse("text"))
                .hasMessage("invalid type 'text' at position 4: 'text' is not a Hive type");
        assertThatThrownBy(() -> HiveType.parse("array<int"))
                .hasMessage("invalid type 'array<int' at position 9: '>' expected");
        assertThatThrownBy(() -> HiveType.parse("array<>"))
                .hasMessage("invalid type 'array<>' at position 6: a type is missing");
        assertThatThrownBy(() -> HiveType.parse("map<array<int>,string>"))
                .hasMessage("invalid type 'map<array<int>,string>' at position 14: map keys must be of a primitive type, not array<int>");
        assertThatThrownBy(() -> HiveType.parse("decimal(40,2)"))
                .hasMessage("invalid type 'decimal(40,2)' at position 10: decimal precision must be between 1 and 38, not 40");
        assertThatThrownBy(() -> HiveType.parse("decimal(4,6)"))
                .hasMessage("invalid type 'decimal(4,6)' at position 11: decimal scale 6 is larger than its precision 4");
        assertThatThrownBy(() -> HiveType.parse("varchar"))
                .hasMessage("invalid type 'varchar' at position 7: '(' expected");
        assertThatThrownBy(() -> HiveType.parse("char(256)"))
                .hasMessage("invalid type 'char(256)' at position 8: length must be between 1 and 255, not 256");
        assertThatThrownBy(() -> HiveType.parse("int extra"))
                .hasMessage("invalid type 'int extra' at position 4: unexpected 'extra'");
        assertThatThrownBy(() -> HiveType.parse("struct<>"))
                .hasMessage("invalid type 'struct<>' at position 7: a struct needs at least one field");
        assertThatThrownBy(() -> HiveType.parse("struct<`a:int>"))
                .hasMessage("invalid type 'struct<`a:int>' at position 7: unclosed ` in a field name");
    }

    @Test
    void nestsAtMostOneHundredLevels()
    {
        String hundred = "array<".repeat(99) + "struct<a:int>" + ">".repeat(99);
        assertThat(HiveType.MAX_NESTING_DEPTH).isEqualTo(100);
        assertThat(canonical(hundred)).isEqualTo(hundred);

        String hundredAndOne = "map<string," + "array<".repeat(99) + "uniontype<int>" + ">".repeat(99) + ">";
        assertThatThrownBy(() -> HiveType.parse(hundredAndOne))
                .hasMessage("invalid type '" + hundredAndOne.substring(0, 100) + "... (" + hundredAndOne.length() + " characters)' at position 614: "
                        + "arrays, maps, structs and uniontypes nest more than 100 levels deep; lakestack accepts at most 100 levels");
    }

    @Test
    void refusesTwentyThousandLevelsWithTheLimitNotAStackOverflow()
    {
        String deep = "array<".repeat(20_000) + "int" + ">".repeat(20_000);

        assertThatThrownBy(() -> HiveType.parse(deep))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid type '" + "array<".repeat(16) + "arra... (140003 characters)' at position 605: arrays, maps, structs and "
                        + "uniontypes nest more than 100 levels deep; lakestack accepts at most 100 levels");
    }

    private static String canonical(String type)
    {
        return HiveType.parse(type).toString();
    }
}
