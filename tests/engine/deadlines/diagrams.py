"""Small timer diagrams for the deadline tests, built from one template."""

from __future__ import annotations

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_{pid}" targetNamespace="t">
  <bpmn:process id="{pid}" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane_rec" name="Modtagerteam">{refs}</bpmn:lane></bpmn:laneSet>
"""
TAIL = "  </bpmn:process>\n</bpmn:definitions>\n"


def _timer(kind: str, text: str) -> str:
    return f"<bpmn:timerEventDefinition><bpmn:{kind}>{text}</bpmn:{kind}></bpmn:timerEventDefinition>"


def boundary(pid: str, kind: str, text: str, interrupting: bool, due_date: str = "") -> bytes:
    """start → work (boundary timer → on_time_out → end2) → end."""
    due = f' camunda:dueDate="{due_date}"' if due_date else ""
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ("s", "work", "b", "late", "e", "e2"))
    body = f"""    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="work" name="Arbejde"{due}><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="b" name="Frist" attachedToRef="work" cancelActivity="{str(interrupting).lower()}">
      <bpmn:outgoing>f3</bpmn:outgoing>{_timer(kind, text)}</bpmn:boundaryEvent>
    <bpmn:userTask id="late" name="Frist overskredet"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="e2"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e" />
    <bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="late" />
    <bpmn:sequenceFlow id="f4" sourceRef="late" targetRef="e2" />
"""
    return (HEAD.format(pid=pid, refs=refs) + body + TAIL).encode()


def intermediate(pid: str, kind: str, text: str) -> bytes:
    """start → wait (timer) → after → end."""
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ("s", "wait", "after", "e"))
    body = f"""    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait" name="Vent"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>{_timer(kind, text)}</bpmn:intermediateCatchEvent>
    <bpmn:userTask id="after" name="Efter ventetiden"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="after" />
    <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="e" />
"""
    return (HEAD.format(pid=pid, refs=refs) + body + TAIL).encode()


def two_timers(pid: str) -> bytes:
    """Parallel: one branch waits PT1H (ISO), the other waits for a named rule from received_at."""
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>"
                   for n in ("s", "fork", "iso", "rule", "after_iso", "after_rule", "e1", "e2"))
    body = f"""    <bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:parallelGateway id="fork"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing><bpmn:outgoing>f2</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:intermediateCatchEvent id="iso" name="En time"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>{_timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="rule" name="Kvitteringsfrist"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>{_timer("timeDuration", 'deadline("receipt_6_workdays", received_at)')}</bpmn:intermediateCatchEvent>
    <bpmn:userTask id="after_iso" name="Efter en time"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="after_rule" name="Kvittering forsinket"><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f6</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e1"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="e2"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="fork" />
    <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="iso" />
    <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="rule" />
    <bpmn:sequenceFlow id="f3" sourceRef="iso" targetRef="after_iso" />
    <bpmn:sequenceFlow id="f4" sourceRef="rule" targetRef="after_rule" />
    <bpmn:sequenceFlow id="f5" sourceRef="after_iso" targetRef="e1" />
    <bpmn:sequenceFlow id="f6" sourceRef="after_rule" targetRef="e2" />
"""
    return (HEAD.format(pid=pid, refs=refs) + body + TAIL).encode()
