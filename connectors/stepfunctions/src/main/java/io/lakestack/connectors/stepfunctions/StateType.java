package io.lakestack.connectors.stepfunctions;

/** The state types of the States Language, named as {@code Type} spells them. */
enum StateType
{
    Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map
}
