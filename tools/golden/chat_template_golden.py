#!/usr/bin/python3
"""Goldens for JinjaChatTemplate: chat templates rendered the way transformers' apply_chat_template
renders them (transformers is not installable here; its rendering is, from
transformers/utils/chat_template_utils.py: jinja2 ImmutableSandboxedEnvironment with
trim_blocks=True, lstrip_blocks=True, extensions loopcontrols, globals raise_exception and
strftime_now, variables messages / add_generation_prompt / bos_token / eos_token / tools=None).

    /usr/bin/python3 tools/golden/chat_template_golden.py src/test/resources/golden/chat

The two templates are written here in the layouts of the TDC checkpoints' families (ChatML with a
default system turn as in Qwen2-7B-Instruct; Llama 3.2 with its bos, date line, trimmed contents
and system extraction) using the same Jinja constructs, not copied from the model repositories.
strftime_now returns a placeholder so the golden does not depend on the day it was made.
"""
import json
import sys
from pathlib import Path

from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.exceptions import TemplateError

QWEN2 = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

LLAMA32 = """{{- bos_token }}
{%- if not date_string is defined %}
    {%- if strftime_now is defined %}
        {%- set date_string = strftime_now("%d %b %Y") %}
    {%- else %}
        {%- set date_string = "26 Jul 2024" %}
    {%- endif %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}
{#- the system turn is taken out and always written, with the date lines #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if tools is not none %}
    {{- "Environment: ipython\\n" }}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\\n" }}
{{- "Today Date: " + date_string + "\\n\\n" }}
{{- system_message }}
{{- "<|eot_id|>" }}
{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- else %}
        {{- raise_exception("tool turns are not part of this test") }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
"""

IMG = "\ue0000\ue001"  # JinjaChatTemplate's marker for embedding block 0
LONG = " ".join(f"word{i}" for i in range(3000))
CASES = [
    ("segment", [{"role": "system", "content": "You are a helpful assistant."},
                 {"role": "user", "content": IMG + "\nDescribe the video segment in detail."}], True),
    ("final", [{"role": "system", "content": "You are a helpful assistant."},
               {"role": "user", "content": IMG + "\n<think>a b c</think>What is the man holding?"}], True),
    ("no-system", [{"role": "user", "content": "  Hello there  "}], True),
    ("no-generation-prompt", [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": " Hello! "}], False),
    ("long", [{"role": "system", "content": "You are a helpful assistant."},
              {"role": "user", "content": IMG + "\n" + LONG}], True),
]


def render(template, messages, gen, bos, eos):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])

    def raise_exception(message):
        raise TemplateError(message)

    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: "<<DATE:" + fmt + ">>"
    return env.from_string(template).render(messages=messages, add_generation_prompt=gen, bos_token=bos,
                                            eos_token=eos, tools=None)


out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
templates = {"qwen2": dict(template=QWEN2, bos=None, eos="<|im_end|>"),
             "llama32": dict(template=LLAMA32, bos="<|begin_of_text|>", eos="<|eot_id|>")}
cases = []
for name, t in templates.items():
    for case, messages, gen in CASES:
        text = render(t["template"], messages, gen, t["bos"] or "", t["eos"])
        cases.append(dict(template=name, case=case, messages=messages, generationPrompt=gen,
                          expected=text.replace(IMG, "<image>")))
(out / "chat_templates.json").write_text(json.dumps(dict(templates=templates, cases=cases), ensure_ascii=False))
print("wrote", len(cases), "cases")
