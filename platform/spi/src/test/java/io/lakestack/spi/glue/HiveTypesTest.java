package io.lakestack.spi.glue;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HiveTypesTest
{
    @Test
    void writesTypesInTheMetastoresSpelling()
    {
        assertThat(HiveTypes.canonical("INTEGER")).isEqualTo("int");
        assertThat(HiveTypes.canonical("BigInt")).isEqualTo("bigint");
        assertThat(HiveTypes.canonical("double precision")).isEqualTo("double");
        assertThat(HiveTypes.canonical("decimal( 10 , 2 )")).isEqualTo("decimal(10,2)");
        assertThat(HiveTypes.canonical("DECIMAL")).isEqualTo("decimal");
        assertThat(HiveTypes.canonical("varchar(64)")).isEqualTo("varchar(64)");
        assertThat(HiveTypes.canonical("Array< String >")).isEqualTo("array<string>");
        assertThat(HiveTypes.canonical("map<string,array<struct<a:int,b:string>>>")).isEqualTo("map<string,array<struct<a:int,b:string>>>");
        assertThat(HiveTypes.canonical("struct<name:string, `order`:int comment 'position', tags:array<string>>"))
                .isEqualTo("struct<name:string,order:int,tags:array<string>>");
        assertThat(HiveTypes.isPrimitive("decimal(10,2)")).isTrue();
        assertThat(HiveTypes.isPrimitive("array<int>")).isFalse();
    }

    @Test
    void refusesWhatIsNotAType()
    {
        assertThatThrownBy(() -> HiveTypes.canonical("text"))
                .hasMessage("invalid type 'text' at position 4: 'text' is not a Hive type");
        assertThatThrownBy(() -> HiveTypes.canonical("array<int"))
                .hasMessage("invalid type 'array<int' at position 9: '>' expected");
        assertThatThrownBy(() -> HiveTypes.canonical("map<array<int>,string>"))
                .hasMessage("invalid type 'map<array<int>,string>' at position 14: map keys must be of a primitive type, not array<int>");
        assertThatThrownBy(() -> HiveTypes.canonical("decimal(40,2)"))
                .hasMessage("invalid type 'decimal(40,2)' at position 10: decimal precision must be between 1 and 38, not 40");
        assertThatThrownBy(() -> HiveTypes.canonical("int extra"))
                .hasMessage("invalid type 'int extra' at position 4: unexpected 'extra'");
        assertThat(HiveTypes.isValid("struct<>")).isFalse();
    }
}
