"""Engine messages in the interface language, chosen by the error's code (never by its English text).

The engine renders English from ``code`` + ``params`` (cdassess/errors.py ``MESSAGES``); this table holds the
Chinese of the same codes. A code without an entry, or an error without a code, shows the English text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cdassess.errors import CdassessError, fill, render

ZH: dict[str, str] = {
    "na_needs_justification": "{req_id}：选择“{label_zh}”时必须填写理由（说明该要求为何不适用）",
    "invalid_date": "{field}“{value}”不是有效日期（请写成 YYYY-MM-DD，且必须是日历上存在的日期）",
    "unknown_requirement": "未知的要求编号“{req_id}”",
    "unknown_level": "级别 {level} 不是模型 {model} 的级别（可选：{accepted}）",
    "disk_full": "{path}：磁盘已满；请释放空间后重试（未保存任何内容）",
    "read_only": "{path}：文件或其所在文件夹为只读；无法保存更改",
    "busy": "{path}：文件正被另一个程序使用；请稍后再试",
    "io_error": "{path}：磁盘读写出错（{detail}）；请检查磁盘后重试",
    "corrupt": "{path}：文件已损坏或不是评估文件（{detail}）；请从副本恢复",
    "cannot_open": "{path}：无法打开（{detail}）；请确认文件夹存在且可写",
    "permission": "{path}：权限不足（{detail}）",
    "bug": "这是 cdassess 的程序错误（{detail}）；详细信息见日志 {log}",
    "evidence_not_regular": "{path}：这是{kind}，不是普通文件；只能附加普通文件",
    "evidence_changed": "{path}：读取期间文件发生了变化；请重新附加",
    "evidence_too_large": "{path}：大小 {size} 超过单个文件上限 {limit}",
    "evidence_no_space": "{path}：需要约 {needed} 的可用空间，评估文件所在磁盘只剩 {free}；请释放空间后重试",
    "lock_symlink": "{path}：其锁文件 {lock} 是符号链接；cdassess 拒绝跟随它（删除该链接后再打开文件）",
    "file_in_use": "{path}：已在另一个 cdassess 窗口或命令中打开编辑{who}；请在那里关闭，或以只读方式打开",
    "stale_lock": "{path}：上次的编辑锁由一个已不再运行的进程留下（{who}）；已接管",
}

ZH_KINDS = {
    "a named pipe (FIFO)": "命名管道（FIFO）", "a character device": "字符设备", "a block device": "块设备",
    "a socket": "套接字", "not a regular file": "特殊文件",
}

_language = {"ui": "en"}


def set_language(lang: str) -> None:
    """The interface language the window runs in ("zh" or "en")."""
    _language["ui"] = lang


def language() -> str:
    return _language["ui"]


def text_of(code: str, params: Mapping[str, Any], english: str = "") -> str:
    if language() == "zh" and code in ZH:
        p = dict(params)
        if code == "evidence_not_regular":
            p["kind"] = ZH_KINDS.get(str(p.get("kind", "")), p.get("kind", ""))
        return fill(ZH[code], p)
    return english or render(code, params)


def message(exc: BaseException) -> str:
    """What to show for ``exc`` in the interface language."""
    if isinstance(exc, CdassessError) and exc.code:
        return text_of(exc.code, exc.params, str(exc))
    return str(exc)
