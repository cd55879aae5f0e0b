<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="404"/>
        <source>About cdassess</source>
        <translation>关于 cdassess</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="408"/>
        <source>An offline workbench for DevOps capability-maturity assessments.</source>
        <translation>DevOps 能力成熟度离线评估工作台。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="418"/>
        <source>Copy to clipboard</source>
        <translation>复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="419"/>
        <source>Copy the versions, to paste into a support request</source>
        <translation>复制版本信息，以便粘贴到技术支持请求中</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="426"/>
        <source>Versions:</source>
        <translation>版本：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="433"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../ui/app.py" line="106"/>
        <source>Welcome to cdassess</source>
        <translation>欢迎使用 cdassess</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="107"/>
        <source>Your name, as it will be written into the audit log with every edit (you can change it later in Settings):</source>
        <translation>您的姓名，每次编辑都会连同它写入审计日志（之后可在设置中修改）：</translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <location filename="../../ui/tools.py" line="185"/>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="189"/>
        <source>Requirement, person or action…</source>
        <translation>要求、人员或操作…</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="195"/>
        <source>any time</source>
        <translation>任何时间</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="198"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="198"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="198"/>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="198"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="198"/>
        <source>What</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="199"/>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="199"/>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="200"/>
        <source>Export as CSV…</source>
        <translation>导出为 CSV…</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="206"/>
        <source>from</source>
        <translation>自</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="231"/>
        <source>%1 of %2 entries</source>
        <translation>%1 / %2 条记录</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="235"/>
        <location filename="../../ui/tools.py" line="247"/>
        <source>Export the audit log</source>
        <translation>导出审计日志</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="236"/>
        <source>audit-log.csv</source>
        <comment>suggested file name</comment>
        <translation>审计日志.csv</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="237"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
</context>
<context>
    <name>CertificateDialog</name>
    <message>
        <location filename="../../ui/report_actions.py" line="302"/>
        <source>Certificate</source>
        <translation>证书</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="305"/>
        <source>Organization: %1</source>
        <translation>组织：%1</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="314"/>
        <source> years</source>
        <translation> 年</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="315"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="316"/>
        <source>Valid for</source>
        <translation>有效期</translation>
    </message>
</context>
<context>
    <name>CertificateRegisterDialog</name>
    <message>
        <location filename="../../ui/certificates.py" line="51"/>
        <source>Certificates issued</source>
        <translation>已颁发的证书</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="56"/>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="56"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="56"/>
        <source>Issued</source>
        <translation>颁发日期</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="57"/>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="57"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="57"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="59"/>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="60"/>
        <source>superseded %1</source>
        <translation>已被取代 %1</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="64"/>
        <source>No certificate was issued from this file yet.</source>
        <translation>此文件尚未颁发证书。</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="65"/>
        <source>Issued from %1:</source>
        <translation>由 %1 颁发：</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <location filename="../../ui/commands.py" line="63"/>
        <source>Change the assessment details</source>
        <translation>修改评估信息</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="103"/>
        <source>Save finding</source>
        <translation>保存发现</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="104"/>
        <source>Add finding</source>
        <translation>添加发现</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="125"/>
        <source>Delete finding</source>
        <translation>删除发现</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="191"/>
        <source>Unlink evidence</source>
        <translation>取消关联证据</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="208"/>
        <source>Change evidence details</source>
        <translation>修改证据信息</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="225"/>
        <source>Accept the team&apos;s claim for %1</source>
        <translation>采纳团队对 %1 的自评</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="227"/>
        <source>Accept %1 claims of the team</source>
        <translation>采纳团队的 %1 项自评</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <location filename="../../ui/cycles.py" line="77"/>
        <location filename="../../ui/cycles.py" line="142"/>
        <source>Compare assessments</source>
        <translation>对比评估</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="84"/>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="85"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="86"/>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="106"/>
        <source>Levels</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="107"/>
        <source>Radar</source>
        <translation>雷达图</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="108"/>
        <source>Changed ratings</source>
        <translation>评定变化</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="109"/>
        <source>Findings</source>
        <translation>发现</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="111"/>
        <source>Save as PDF…</source>
        <translation>另存为 PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="112"/>
        <source>Save as workbook…</source>
        <translation>另存为工作簿…</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="128"/>
        <source>Assessments to compare</source>
        <translation>要对比的评估</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="129"/>
        <source>Assessments (*.cdassess)</source>
        <translation>评估文件 (*.cdassess)</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="162"/>
        <source>Domain / item</source>
        <translation>能力域 / 能力项</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="163"/>
        <source>better</source>
        <translation>变好</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="163"/>
        <source>worse</source>
        <translation>变差</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="163"/>
        <source>newly rated</source>
        <translation>新评定</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="164"/>
        <source>no longer rated</source>
        <translation>不再评定</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="164"/>
        <source>changed</source>
        <translation>有变化</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="165"/>
        <location filename="../../ui/cycles.py" line="167"/>
        <source>Requirement</source>
        <translation>要求</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="165"/>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="165"/>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="165"/>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="167"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="167"/>
        <source>Observation</source>
        <translation>观察</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="168"/>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="169"/>
        <source>opened</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="177"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="177"/>
        <source>Workbooks (*.xlsx)</source>
        <translation>工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="178"/>
        <location filename="../../ui/cycles.py" line="192"/>
        <location filename="../../ui/cycles.py" line="195"/>
        <source>Save the comparison</source>
        <translation>保存对比结果</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <location filename="../../ui/crash.py" line="36"/>
        <source>cdassess ran into a problem</source>
        <translation>cdassess 遇到问题</translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="37"/>
        <source>This is a bug in cdassess: %1

Every edit made so far was saved. The details are in the log file:
%2</source>
        <translation>这是 cdassess 的程序错误：%1

此前的每一项修改都已保存。详细信息见日志文件：
%2</translation>
    </message>
</context>
<context>
    <name>Cycles</name>
    <message>
        <location filename="../../ui/cycles.py" line="48"/>
        <source>Re-assess: the new assessment file</source>
        <translation>复评：新的评估文件</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="49"/>
        <source>Assessments (*.cdassess)</source>
        <translation>评估文件 (*.cdassess)</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="56"/>
        <source>Re-assess</source>
        <translation>复评</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="64"/>
        <source>New cycle: %1 ratings to re-confirm (F8 walks them)</source>
        <translation>新周期：%1 项评定待重新确认（按 F8 逐项查看）</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="269"/>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="283"/>
        <source>Review evidence</source>
        <translation>审核证据</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="111"/>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="112"/>
        <source>Accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="113"/>
        <source>Rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="114"/>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <location filename="../../ui/dashboard.py" line="210"/>
        <source>Blocking the next level</source>
        <translation>阻碍下一级别</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="211"/>
        <source>All findings</source>
        <translation>全部发现</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="242"/>
        <source>Domain</source>
        <translation>能力域</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="242"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="242"/>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="243"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="243"/>
        <source>Gaps</source>
        <translation>差距</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="257"/>
        <location filename="../../ui/dashboard.py" line="288"/>
        <source>Requirement</source>
        <translation>要求</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="257"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="257"/>
        <source>Observation</source>
        <translation>观察</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="258"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="258"/>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="273"/>
        <source>(general)</source>
        <translation>（总体）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="281"/>
        <source>All findings (%1)</source>
        <translation>全部发现（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="288"/>
        <source>Rating</source>
        <translation>评定</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="288"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="351"/>
        <source>Overall level L%1 of target L%2</source>
        <translation>总体级别 L%1 / 目标 L%2</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="355"/>
        <source>Score %1 · %2</source>
        <translation>得分 %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="360"/>
        <source>%1 of %2 rated</source>
        <translation>已评 %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="361"/>
        <source>%1 gaps to the target level (requirements up to L%2 not satisfied)</source>
        <translation>距目标级别有 %1 项差距（L%2 及以下未满足的要求）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="367"/>
        <source>Overall</source>
        <translation>总体</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="397"/>
        <source>The top level is reached; nothing blocks.</source>
        <translation>已达到最高级别，没有阻碍项。</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="405"/>
        <source>%1 requirements block level L%2 (double-click to open):</source>
        <translation>%1 项要求阻碍达到 L%2（双击打开）：</translation>
    </message>
</context>
<context>
    <name>DateField</name>
    <message>
        <location filename="../../ui/dialogs.py" line="312"/>
        <source>Not known</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>DetailsDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="198"/>
        <source>Assessment details</source>
        <translation>评估信息</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="212"/>
        <source>Organization</source>
        <translation>组织</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="213"/>
        <source>Project / system</source>
        <translation>项目 / 系统</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="214"/>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="215"/>
        <source>Assessors</source>
        <translation>评估师</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="216"/>
        <source>Start date</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="217"/>
        <source>End date</source>
        <translation>结束日期</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="218"/>
        <source>Target level</source>
        <translation>目标级别</translation>
    </message>
</context>
<context>
    <name>EvidenceDetailsDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="342"/>
        <source>Added by %1 on %2</source>
        <translation>由 %1 于 %2 添加</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="346"/>
        <source>Files (%1):</source>
        <translation>文件（%1 个）：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="358"/>
        <source>What it shows, for which requirement</source>
        <translation>内容说明，对应哪项要求</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="360"/>
        <source>Description</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="362"/>
        <source>Who in the assessed team gave it (name, role or team)</source>
        <translation>受评团队中由谁提供（姓名、角色或团队）</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="370"/>
        <source>Provided by</source>
        <translation>提供者</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="371"/>
        <source>Collected on</source>
        <translation>收集日期</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="373"/>
        <source>A description can be added to each file afterwards (Edit details…).</source>
        <translation>每个文件的说明可在附加后填写（编辑信息…）。</translation>
    </message>
</context>
<context>
    <name>EvidencePane</name>
    <message>
        <location filename="../../ui/evidence_pane.py" line="84"/>
        <location filename="../../ui/evidence_pane.py" line="183"/>
        <location filename="../../ui/evidence_pane.py" line="225"/>
        <location filename="../../ui/evidence_pane.py" line="524"/>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="86"/>
        <source>Drop files here to attach them.</source>
        <translation>将文件拖放到此处即可附加。</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="90"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="90"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="90"/>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="90"/>
        <source>Collected</source>
        <translation>收集日期</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="91"/>
        <source>Provided by</source>
        <translation>提供者</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="91"/>
        <source>Description</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="91"/>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="126"/>
        <source>Attach files…</source>
        <translation>附加文件…</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="127"/>
        <source>Edit details…</source>
        <translation>编辑信息…</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="130"/>
        <source>Link existing…</source>
        <translation>关联已有证据…</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="131"/>
        <source>Open a copy</source>
        <translation>打开副本</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="132"/>
        <source>Unlink</source>
        <translation>取消关联</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="133"/>
        <source>Remove from file…</source>
        <translation>从文件中删除…</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="134"/>
        <source>Review…</source>
        <translation>审核…</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="135"/>
        <source>Accept, reject or expire the evidence; the date it represents and until when it is valid</source>
        <translation>接受、驳回证据或将其标为过期；设置其反映的日期和有效期</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="189"/>
        <source>Evidence for %1 (%2)</source>
        <translation>%1 的证据（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="199"/>
        <source>Reviewed by %1</source>
        <translation>审核人：%1</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="200"/>
        <source>Represents %1</source>
        <translation>反映 %1 的状态</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="201"/>
        <source>Valid until %1</source>
        <translation>有效期至 %1</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="206"/>
        <source>Added by %1 at %2</source>
        <translation>由 %1 于 %2 添加</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="207"/>
        <source>Linked to: %1</source>
        <translation>已关联：%1</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="210"/>
        <source>Collected on %1</source>
        <translation>收集于 %1</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="211"/>
        <source>Date collected not given (added %1)</source>
        <translation>未填写收集日期（%1 添加）</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="260"/>
        <source>Evidence details</source>
        <translation>证据信息</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="300"/>
        <location filename="../../ui/evidence_pane.py" line="314"/>
        <location filename="../../ui/evidence_pane.py" line="376"/>
        <source>Attach evidence to %1</source>
        <translation>为 %1 附加证据</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="437"/>
        <source>Attaching evidence…</source>
        <translation>正在附加证据…</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="437"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="444"/>
        <source>Attaching %1…</source>
        <translation>正在附加 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="382"/>
        <source>Some files were not attached</source>
        <translation>部分文件未附加</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="128"/>
        <source>Description, who provided it and when it was collected (or double-click the row, or press F2)</source>
        <translation>说明、提供者和收集日期（也可双击该行或按 F2）</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="383"/>
        <source>%1 of %2 files could not be attached; nothing else changed.</source>
        <translation>%2 个文件中有 %1 个未能附加；其他内容未改变。</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="468"/>
        <source>Link evidence to %1</source>
        <translation>将证据关联到 %1</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="488"/>
        <source>links</source>
        <translation>个关联</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="489"/>
        <source>Remove evidence</source>
        <translation>删除证据</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="490"/>
        <source>Remove these files and all their links from the assessment? This cannot be undone.</source>
        <translation>从评估中删除这些文件及其全部关联？此操作无法撤销。</translation>
    </message>
    <message>
        <location filename="../../ui/evidence_pane.py" line="525"/>
        <source>No program to open it; a copy is at %1</source>
        <translation>没有可打开它的程序；副本位于 %1</translation>
    </message>
</context>
<context>
    <name>ExplainDialog</name>
    <message>
        <location filename="../../ui/tools.py" line="127"/>
        <source>Why is a level not reached?</source>
        <translation>为什么未达到某一级别？</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="135"/>
        <source>Item / requirement</source>
        <translation>能力项 / 要求</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="135"/>
        <source>Rating</source>
        <translation>评定</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="140"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="147"/>
        <source>Double-click a requirement to open it.</source>
        <translation>双击要求即可打开。</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="156"/>
        <source>Level L%1 is reached (overall L%2).</source>
        <translation>已达到 L%1（总体 L%2）。</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="159"/>
        <source>Level L%1 is not reached: %2 requirements in %3 items block it.</source>
        <translation>未达到 L%1：%3 个能力项中的 %2 项要求阻碍了它。</translation>
    </message>
</context>
<context>
    <name>FindingDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="47"/>
        <source>Finding</source>
        <translation>发现</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="55"/>
        <source>Set</source>
        <translation>设定</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="70"/>
        <source>Observation</source>
        <translation>观察</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="71"/>
        <source>Recommendation</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="72"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="76"/>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="77"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
</context>
<context>
    <name>GapReportDialog</name>
    <message>
        <location filename="../../ui/report_actions.py" line="100"/>
        <source>Gap report</source>
        <translation>差距报告</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="109"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="110"/>
        <source>Sections</source>
        <translation>章节</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="111"/>
        <source>Cover and signatures</source>
        <translation>封面与签字</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="116"/>
        <source>The assessment is open read-only: the saved options are used as they are.</source>
        <translation>评估以只读方式打开：按已保存的选项生成报告。</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="127"/>
        <source>PDF (A4)</source>
        <translation>PDF（A4）</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="128"/>
        <source>Word document (.docx, editable)</source>
        <translation>Word 文档（.docx，可编辑）</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="129"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="130"/>
        <source>Target level</source>
        <translation>目标级别</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="131"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="140"/>
        <source>The cover is always printed.</source>
        <translation>封面始终打印。</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="144"/>
        <source>Summary: levels, radar chart, domains</source>
        <translation>总体结果：级别、雷达图、领域</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="145"/>
        <source>Heat map of items by level</source>
        <translation>能力项热力图</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="146"/>
        <source>Gaps to the target, and other findings</source>
        <translation>距目标级别的差距及其他发现</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="147"/>
        <source>Requirements not applicable, with justifications</source>
        <translation>不适用的要求及理由</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="148"/>
        <source>What blocks the next level</source>
        <translation>达到下一级别的阻碍</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="149"/>
        <source>Where the claim and the rating disagree</source>
        <translation>自评与评定不一致</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="150"/>
        <source>Evidence index</source>
        <translation>证据索引</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="151"/>
        <source>Appendix: level rules, levels, rating scale, provenance</source>
        <translation>附录：级别规则、级别、评定标度、模型来源</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="152"/>
        <source>Signature block (the lines on the next tab)</source>
        <translation>签字栏（签字行见下一个标签页）</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="174"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="176"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="183"/>
        <location filename="../../ui/report_actions.py" line="243"/>
        <source>Logo</source>
        <translation>标志</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="185"/>
        <source>Printed on the cover under the status box</source>
        <translation>打印在封面状态框下方</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="187"/>
        <source>Cover text</source>
        <translation>封面文字</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="189"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="189"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="197"/>
        <source>Add a line</source>
        <translation>添加一行</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="199"/>
        <source>Remove the line</source>
        <translation>删除该行</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="207"/>
        <source>Signatures</source>
        <translation>签字</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="208"/>
        <source>Saved in the assessment file for its next reports. A confidential report prints the roles without the names and leaves the cover text out.</source>
        <translation>保存在评估文件中，供之后的报告使用。脱敏版报告只打印角色、不打印姓名，并省略封面文字。</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="223"/>
        <source>(no logo)</source>
        <translation>（无标志）</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="248"/>
        <source>Choose the organization&apos;s logo</source>
        <translation>选择组织标志</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="250"/>
        <source>Images (*.png *.jpg *.jpeg)</source>
        <translation>图片 (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="284"/>
        <source>Report options</source>
        <translation>报告选项</translation>
    </message>
</context>
<context>
    <name>HandOutDialog</name>
    <message>
        <location filename="../../ui/team_dialog.py" line="359"/>
        <source>Hand out copies</source>
        <translation>分发工作副本</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="362"/>
        <source>Each assessor gets a working copy of this assessment with their share of the domains. Edits outside the share are allowed and marked when the copies are merged back (File &gt; Merge copies…).</source>
        <translation>每位评估师获得本评估的一份工作副本及其负责的域。负责范围以外的修改也允许，合并回来时会被标出（文件 &gt; 合并副本…）。</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="370"/>
        <source>Assessor</source>
        <translation>评估师</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="378"/>
        <source>Add an assessor</source>
        <translation>添加评估师</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="384"/>
        <source>Folder for the copies:</source>
        <translation>副本保存文件夹：</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="387"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="392"/>
        <source>Write the copies</source>
        <translation>写出副本</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="417"/>
        <source>Folder for the copies</source>
        <translation>副本保存文件夹</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../ui/import_dialog.py" line="57"/>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="58"/>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="59"/>
        <source>Target</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="60"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="61"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="62"/>
        <source>Old</source>
        <translation>原值</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="63"/>
        <source>New</source>
        <translation>新值</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="64"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="65"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="66"/>
        <source>Accepted</source>
        <translation>可接受的值</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="73"/>
        <source>set</source>
        <translation>填写</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="74"/>
        <source>added</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="75"/>
        <source>changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="76"/>
        <source>cleared</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="77"/>
        <source>removed</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="219"/>
        <source>Excel workbooks (*.xlsx);;All files (*)</source>
        <translation>Excel 工作簿 (*.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="225"/>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="294"/>
        <source>Import the questionnaire</source>
        <translation>导入问卷</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="295"/>
        <source>Import a full workbook</source>
        <translation>导入完整工作簿</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="304"/>
        <source>Import it into this assessment anyway?</source>
        <translation>仍然导入到本评估中吗？</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="322"/>
        <source>%1 change(s) imported from %2.</source>
        <translation>已从 %2 导入 %1 处更改。</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="347"/>
        <source>-confidential</source>
        <comment>suffix of a suggested file name</comment>
        <translation>-脱敏版</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="352"/>
        <source>Writing %1…</source>
        <translation>正在写入 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="371"/>
        <source>Written: %1</source>
        <translation>已写入：%1</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="381"/>
        <source>Export a questionnaire</source>
        <translation>导出问卷</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="382"/>
        <source>questionnaire</source>
        <comment>suggested file name</comment>
        <translation>问卷</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="391"/>
        <source>Export the full workbook</source>
        <translation>导出完整工作簿</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="392"/>
        <source>A confidential workbook cannot be imported back: to edit in Excel and import again, export the full one.</source>
        <translation>脱敏版工作簿不能再导入回评估：如需在 Excel 中编辑后重新导入，请导出完整版。</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="398"/>
        <source>workbook</source>
        <comment>suggested file name</comment>
        <translation>工作簿</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="407"/>
        <source>Export the gap plan</source>
        <translation>导出差距改进计划</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="412"/>
        <source>gap plan</source>
        <comment>suggested file name</comment>
        <translation>差距改进计划</translation>
    </message>
</context>
<context>
    <name>ImportPreviewDialog</name>
    <message>
        <location filename="../../ui/import_dialog.py" line="159"/>
        <source>Import the questionnaire %1</source>
        <translation>导入问卷 %1</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="160"/>
        <source>Import the workbook %1</source>
        <translation>导入工作簿 %1</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="178"/>
        <source>Problems (%1)</source>
        <translation>问题（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="179"/>
        <source>Changes (%1)</source>
        <translation>更改（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="187"/>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="198"/>
        <source>%1 problem(s) found in %2. Nothing can be imported until they are fixed in the file; each problem names its sheet, row and column.</source>
        <translation>在 %2 中发现 %1 个问题。请先在文件中修正，否则无法导入任何内容；每个问题都注明了所在的工作表、行和列。</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="202"/>
        <source>%1 rows read from %2: nothing would change.</source>
        <translation>已从 %2 读取 %1 行：没有需要更改的内容。</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="206"/>
        <source>%1 ratings set or changed, %2 claims changed, %3 other changes, 0 problems.</source>
        <translation>设置或修改了 %1 项评定，修改了 %2 项自评，另有 %3 项其他修改，0 个问题。</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="208"/>
        <source>%1 change(s) from %2 rows of %3. Apply writes them all at once (or none, if anything fails).</source>
        <translation>来自 %3 的 %2 行，共 %1 处更改。点击“应用”将一次性全部写入（任何一处失败则全部不写入）。</translation>
    </message>
</context>
<context>
    <name>InterviewsDialog</name>
    <message>
        <location filename="../../ui/tools.py" line="258"/>
        <location filename="../../ui/tools.py" line="299"/>
        <source>Interviews</source>
        <translation>访谈</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="260"/>
        <location filename="../../ui/tools.py" line="275"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="260"/>
        <location filename="../../ui/tools.py" line="276"/>
        <source>People</source>
        <translation>受访人员</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="260"/>
        <source>Interviewer</source>
        <translation>访谈人</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="260"/>
        <location filename="../../ui/tools.py" line="277"/>
        <source>Topic</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="261"/>
        <location filename="../../ui/tools.py" line="278"/>
        <source>Notes</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="266"/>
        <source>Who was interviewed (names, roles)</source>
        <translation>受访人员（姓名、角色）</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="268"/>
        <source>Topic; name requirement ids to link them (e.g. CD.CM.VC.01.L3)</source>
        <translation>主题；写明要求编号即可关联（例如 CD.CM.VC.01.L3）</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="271"/>
        <source>Record the interview</source>
        <translation>记录访谈</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../ui/labels.py" line="21"/>
        <source>Met</source>
        <translation>满足</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="22"/>
        <source>Partially met</source>
        <translation>部分满足</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="23"/>
        <source>Not met</source>
        <translation>不满足</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="24"/>
        <source>N/A</source>
        <translation>不适用</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="18"/>
        <source>Unrated</source>
        <translation>未评</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="38"/>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="39"/>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="40"/>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="46"/>
        <source>confirmed against the standard</source>
        <translation>已与标准核对</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="47"/>
        <source>paraphrased from the standard</source>
        <translation>转述自标准</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="48"/>
        <source>inferred (not in the standard&apos;s text)</source>
        <translation>推断（标准原文中没有）</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="54"/>
        <source>document</source>
        <translation>文档</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="55"/>
        <source>demonstration</source>
        <translation>现场演示</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="56"/>
        <source>record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="57"/>
        <source>report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="58"/>
        <source>metric</source>
        <translation>度量数据</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="59"/>
        <source>interview</source>
        <translation>访谈</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="60"/>
        <source>configuration</source>
        <translation>配置</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="189"/>
        <source>Search (中文 or English, ID)…</source>
        <translation>搜索（中文、English 或编号）…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="241"/>
        <source>Requirement</source>
        <translation>要求</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="242"/>
        <location filename="../../ui/main_window.py" line="265"/>
        <source>Dashboard</source>
        <translation>总览</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="293"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="294"/>
        <source>&amp;New assessment…</source>
        <translation>新建评估(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="295"/>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="296"/>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="298"/>
        <source>Open the &amp;demo</source>
        <translation>打开演示评估(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="300"/>
        <source>Assessment &amp;details…</source>
        <translation>评估信息(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="301"/>
        <source>&amp;Lock the assessment</source>
        <translation>锁定评估(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="302"/>
        <source>&amp;Unlock…</source>
        <translation>解锁(&amp;U)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="304"/>
        <source>Re-&amp;assess (next cycle)…</source>
        <translation>复评（下一周期）(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="305"/>
        <source>&amp;Compare assessments…</source>
        <translation>对比评估(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="311"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="313"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="315"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="316"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="318"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="323"/>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="333"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="335"/>
        <source>&amp;About cdassess</source>
        <translation>关于 cdassess(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="338"/>
        <source>&amp;Rating</source>
        <translation>评定(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="367"/>
        <source>&amp;Gap report (PDF or Word)…</source>
        <translation>差距报告（PDF 或 Word）(&amp;G)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="905"/>
        <source>Clear the rating</source>
        <translation>清除评定</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="906"/>
        <source>Rate: %1</source>
        <translation>评定：%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="344"/>
        <source>Toggle &amp;needs review</source>
        <translation>切换“需复核”(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="213"/>
        <source>Up to the target</source>
        <translation>仅到目标级别</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="214"/>
        <source>Work up to the target level: the tree, F8 and the counts leave out the levels above it (clear to see the whole model)</source>
        <translation>仅评估到目标级别：树、F8 和计数不包含更高级别（取消勾选可查看整个模型）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="306"/>
        <source>&amp;Hand out copies…</source>
        <translation>分发工作副本(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="307"/>
        <source>&amp;Merge copies…</source>
        <translation>合并副本(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="308"/>
        <source>&amp;Portfolio…</source>
        <translation>评估组合(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="310"/>
        <source>&amp;Models…</source>
        <translation>模型(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="328"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="329"/>
        <source>&amp;What if…</source>
        <translation>假设分析(&amp;W)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="330"/>
        <source>Why is a &amp;level not reached?…</source>
        <translation>为什么未达到级别(&amp;L)？…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="331"/>
        <source>&amp;Interviews…</source>
        <translation>访谈(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="332"/>
        <source>&amp;Audit log…</source>
        <translation>审计日志(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="334"/>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="347"/>
        <source>&amp;Accept the team&apos;s claim</source>
        <translation>采纳团队自评(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="348"/>
        <source>Accept the claims of every requirement shown…</source>
        <translation>采纳所有显示要求的团队自评…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="351"/>
        <source>&amp;Next unrated requirement</source>
        <translation>下一项未评要求(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="352"/>
        <source>&amp;Previous unrated requirement</source>
        <translation>上一项未评要求(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="353"/>
        <source>Next requirement</source>
        <translation>下一项要求</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="354"/>
        <source>Previous requirement</source>
        <translation>上一项要求</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="358"/>
        <source>E&amp;xcel</source>
        <translation>E&amp;xcel</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="359"/>
        <source>Import the team&apos;s &amp;questionnaire…</source>
        <translation>导入团队问卷(&amp;Q)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="360"/>
        <source>Import a full &amp;workbook…</source>
        <translation>导入完整工作簿(&amp;W)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="362"/>
        <source>Export a questionnaire…</source>
        <translation>导出问卷…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="363"/>
        <source>Export the full workbook…</source>
        <translation>导出完整工作簿…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="364"/>
        <source>Export the gap plan…</source>
        <translation>导出差距改进计划…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="366"/>
        <source>Re&amp;ports</source>
        <translation>报告(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="368"/>
        <source>&amp;Certificate (PDF)…</source>
        <translation>证书 (PDF)(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="369"/>
        <source>Certificates &amp;issued…</source>
        <translation>已颁发的证书(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="372"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="373"/>
        <source>&amp;Requirement</source>
        <translation>要求(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="374"/>
        <source>&amp;Dashboard</source>
        <translation>总览(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="375"/>
        <source>&amp;Workshop (projector)</source>
        <translation>研讨会模式（投影）(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="377"/>
        <source>Model &amp;text</source>
        <translation>模型文本(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="379"/>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="379"/>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="380"/>
        <source>Chinese and English</source>
        <translation>中文和英文</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="386"/>
        <source>Expand all</source>
        <translation>全部展开</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="387"/>
        <source>Collapse all</source>
        <translation>全部折叠</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="434"/>
        <source>Cannot open %1</source>
        <translation>无法打开 %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="483"/>
        <source>Read-only: nothing is changed</source>
        <translation>只读：不会做任何修改</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="484"/>
        <source>All changes saved</source>
        <translation>所有更改已保存</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="507"/>
        <source>No assessment open: File &gt; New, Open or Open the demo.</source>
        <translation>未打开评估：请使用 文件 &gt; 新建、打开 或 打开演示评估。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="514"/>
        <source>Read-only: this file is open for editing in another cdassess window or command (or cannot be written). You can look, but nothing can be changed here.</source>
        <translation>只读：此文件正在另一个 cdassess 窗口或命令中编辑（或无法写入）。可以查看，但此处不能做任何修改。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="519"/>
        <source>This assessment is locked (by %1 at %2), so its results stay as reported. Use File &gt; Unlock… with a reason to change it.</source>
        <translation>此评估已锁定（%1，%2），结果保持与报告一致。如需修改，请通过 文件 &gt; 解锁… 并填写理由。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="538"/>
        <source>All changes saved %1</source>
        <translation>所有更改已保存 %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="544"/>
        <source>Open an assessment</source>
        <translation>打开评估</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="545"/>
        <source>Assessments (*.cdassess);;All files (*)</source>
        <translation>评估文件 (*.cdassess);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="553"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="567"/>
        <source>File not found</source>
        <translation>找不到文件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="568"/>
        <source>%1 no longer exists (moved, renamed or deleted). It was removed from the recent files.</source>
        <translation>%1 已不存在（被移动、改名或删除），已从最近文件中移除。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="580"/>
        <source>Cannot build the demo</source>
        <translation>无法创建演示评估</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="600"/>
        <source>Cannot create the assessment</source>
        <translation>无法创建评估</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="620"/>
        <location filename="../../ui/main_window.py" line="626"/>
        <source>The change was not saved</source>
        <translation>更改未保存</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="635"/>
        <source>Lock the assessment</source>
        <translation>锁定评估</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="640"/>
        <source>Cannot lock</source>
        <translation>无法锁定</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="651"/>
        <location filename="../../ui/main_window.py" line="657"/>
        <source>Unlock the assessment</source>
        <translation>解锁评估</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="653"/>
        <source>Why must the locked results change? (written into the audit log)</source>
        <translation>为什么要修改已锁定的结果？（将写入审计日志）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="657"/>
        <source>A reason is required to unlock.</source>
        <translation>解锁需要填写理由。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="662"/>
        <source>Cannot unlock</source>
        <translation>无法解锁</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="676"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="677"/>
        <source>The interface language changes when cdassess is started again.</source>
        <translation>界面语言将在再次启动 cdassess 时更改。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="742"/>
        <source>Up to L%1</source>
        <translation>仅到 L%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="776"/>
        <source>%1 requirements match</source>
        <translation>%1 项要求符合条件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="778"/>
        <source>items folded (View &gt; Expand all unfolds them)</source>
        <translation>能力项已折叠（“视图 &gt; 全部展开”可展开）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="782"/>
        <source>also found in: %1</source>
        <translation>也见于：%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="811"/>
        <source>Attach files…</source>
        <translation>附加文件…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="870"/>
        <source>No unrated requirement left here.</source>
        <translation>此处已没有未评的要求。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="989"/>
        <source>No requirement shown has a claim that differs from its rating.</source>
        <translation>显示的要求中没有与评定不一致的自评。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="992"/>
        <source>Accept the team&apos;s claims</source>
        <translation>采纳团队自评</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="993"/>
        <source>Take the team&apos;s claim as your rating for %1 requirements shown?</source>
        <translation>将团队自评作为所显示的 %1 项要求的评定？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1006"/>
        <source>Accept the team&apos;s claim</source>
        <translation>采纳团队自评</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1009"/>
        <source>No claim from the team to accept.</source>
        <translation>没有可采纳的团队自评。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1033"/>
        <source>Please wait</source>
        <translation>请稍候</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1033"/>
        <source>Evidence is still being attached.</source>
        <translation>证据仍在附加中。</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <location filename="../../ui/team_dialog.py" line="49"/>
        <source>(removed / none)</source>
        <translation>（已删除 / 无）</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="51"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="52"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="55"/>
        <location filename="../../ui/team_dialog.py" line="59"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="65"/>
        <source>rating</source>
        <translation>评定</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="66"/>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="67"/>
        <source>N/A justification</source>
        <translation>不适用理由</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="68"/>
        <source>needs review</source>
        <translation>需复核</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="70"/>
        <source>removed on one side, changed on another</source>
        <translation>一方删除、另一方修改</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="76"/>
        <source>claim: %1</source>
        <translation>自评：%1</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="78"/>
        <source>details: %1</source>
        <translation>评估信息：%1</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="80"/>
        <source>%1: link</source>
        <translation>%1：关联</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="89"/>
        <source>added</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="90"/>
        <source>removed</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="132"/>
        <location filename="../../ui/team_dialog.py" line="332"/>
        <source>Merge copies</source>
        <translation>合并副本</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="141"/>
        <source>Changes to apply</source>
        <translation>将应用的修改</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="143"/>
        <location filename="../../ui/team_dialog.py" line="151"/>
        <source>Requirement</source>
        <translation>要求</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="143"/>
        <location filename="../../ui/team_dialog.py" line="151"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="143"/>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="143"/>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="144"/>
        <source>From</source>
        <translation>来自</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="144"/>
        <source>Changed by</source>
        <translation>修改人</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="144"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="144"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="148"/>
        <source>Conflicts to decide</source>
        <translation>待裁决的冲突</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="151"/>
        <source>Decision</source>
        <translation>裁决</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="151"/>
        <location filename="../../ui/team_dialog.py" line="297"/>
        <source>Lead</source>
        <translation>主评估</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="152"/>
        <source>Copies</source>
        <translation>副本</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="164"/>
        <source>Apply the merge</source>
        <translation>执行合并</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="188"/>
        <source>Decide every conflict of this domain the same way</source>
        <translation>本域的所有冲突按同样方式裁决</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="194"/>
        <source>or type a third value</source>
        <translation>或输入第三个值</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="195"/>
        <source>Use this value</source>
        <translation>使用此值</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="207"/>
        <source>outside the copy&apos;s share</source>
        <translation>超出该副本的负责范围</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="248"/>
        <source>undecided</source>
        <translation>未裁决</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="250"/>
        <source>the lead&apos;s</source>
        <translation>主评估的值</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="252"/>
        <source>a third value</source>
        <translation>第三个值</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="261"/>
        <source>Merging %1 into %2: %3 change(s) to apply, %4 conflict(s), %5 undecided.</source>
        <translation>将 %1 合并到 %2：%3 处修改将被应用，%4 处冲突，%5 处未裁决。</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="266"/>
        <source>%1 change(s) outside the assessor&apos;s share are marked.</source>
        <translation>%1 处超出评估师负责范围的修改已标出。</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="268"/>
        <source>Apply is possible once every conflict is decided.</source>
        <translation>所有冲突裁决后才能执行合并。</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="292"/>
        <source>No conflict to decide.</source>
        <translation>没有需要裁决的冲突。</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="298"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="299"/>
        <source>set by %1 at %2</source>
        <translation>由 %1 于 %2 设置</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="301"/>
        <source>evidence: %1</source>
        <translation>证据：%1</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="305"/>
        <source>Take the lead&apos;s</source>
        <translation>采用主评估的值</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="307"/>
        <source>Take %1&apos;s</source>
        <translation>采用 %1 的值</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="308"/>
        <source>Newest</source>
        <translation>采用最新的值</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../ui/messages.py" line="75"/>
        <source>File in use</source>
        <translation>文件正在使用中</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="77"/>
        <source>You can open it read-only to look at it; nothing will be changed.</source>
        <translation>可以只读方式打开查看，不会做任何修改。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="79"/>
        <source>Open read-only</source>
        <translation>以只读方式打开</translation>
    </message>
</context>
<context>
    <name>ModelPreviewDialog</name>
    <message>
        <location filename="../../ui/models_dialog.py" line="231"/>
        <source>Import %1</source>
        <translation>导入 %1</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="235"/>
        <source>%1 (%2 %3): %4 domains, %5 items, %6 requirements, levels %7; languages %8; scale: %9; rule: %10</source>
        <translation>%1（%2 %3）：%4 个能力域、%5 个能力项、%6 项要求，级别 %7；语言 %8；评定标度：%9；计分规则：%10</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="246"/>
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="246"/>
        <source>Name or text</source>
        <translation>名称或文本</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="246"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="267"/>
        <source>Add to the library</source>
        <translation>加入模型库</translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <location filename="../../ui/models_dialog.py" line="92"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="96"/>
        <source>Built-in and imported capability models. Import a model file (cdassess JSON, a model workbook, DSOMM YAML, a SAMM core model folder or zip, a CISO Assistant library) with Import… or by dropping it here.</source>
        <translation>内置和已导入的能力模型。可通过“导入…”或将文件拖放到此处导入模型文件（cdassess JSON、模型工作簿、DSOMM YAML、SAMM 核心模型文件夹或 zip、CISO Assistant 库）。</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="104"/>
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="104"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="104"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="104"/>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="105"/>
        <source>Levels</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="105"/>
        <source>Requirements</source>
        <translation>要求数</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="105"/>
        <source>Rating scale</source>
        <translation>评定标度</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="106"/>
        <source>Scoring rule</source>
        <translation>计分规则</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="106"/>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="112"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="113"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="129"/>
        <source>The model library cannot be read</source>
        <translation>无法读取模型库</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="134"/>
        <source>Invalid: %1</source>
        <translation>无效：%1</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="140"/>
        <source>built in</source>
        <translation>内置</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="140"/>
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="162"/>
        <source>Import a model</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="163"/>
        <source>Model files (*.json *.yaml *.yml *.zip *.xlsx)</source>
        <translation>模型文件 (*.json *.yaml *.yml *.zip *.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="172"/>
        <location filename="../../ui/models_dialog.py" line="187"/>
        <source>The model was not imported</source>
        <translation>模型未导入</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="179"/>
        <source>Replace the model?</source>
        <translation>替换该模型？</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="180"/>
        <source>Model %1 %2 is already in the library. Replace it?</source>
        <translation>模型库中已有模型 %1 %2。要替换吗？</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="209"/>
        <source>Remove the model?</source>
        <translation>移除该模型？</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="210"/>
        <source>Remove %1 from the library? Assessments made with it keep working: each holds its own copy of its model.</source>
        <translation>从模型库中移除 %1？使用它的评估不受影响：每个评估文件都保存了自己的模型副本。</translation>
    </message>
    <message>
        <location filename="../../ui/models_dialog.py" line="220"/>
        <source>The model was not removed</source>
        <translation>模型未移除</translation>
    </message>
</context>
<context>
    <name>NewAssessmentDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="98"/>
        <source>New assessment</source>
        <translation>新建评估</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="104"/>
        <source>Names separated by commas</source>
        <translation>姓名，以逗号分隔</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="112"/>
        <source>built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="112"/>
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="117"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="123"/>
        <source>Organization</source>
        <translation>组织</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="124"/>
        <source>Project / system</source>
        <translation>项目 / 系统</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="125"/>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="126"/>
        <source>Assessors</source>
        <translation>评估师</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="127"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="128"/>
        <source>Target level</source>
        <translation>目标级别</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="129"/>
        <source>Save as</source>
        <translation>保存为</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="160"/>
        <source>Save the new assessment as</source>
        <translation>将新评估保存为</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="162"/>
        <source>Assessments (*.cdassess)</source>
        <translation>评估文件 (*.cdassess)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="168"/>
        <source>The organization and the project are required.</source>
        <translation>组织和项目为必填项。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="175"/>
        <source>No model is available.</source>
        <translation>没有可用的模型。</translation>
    </message>
</context>
<context>
    <name>PickEvidenceDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="282"/>
        <source>Link existing evidence to %1</source>
        <translation>将已有证据关联到 %1</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="289"/>
        <source>linked</source>
        <translation>已关联</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="295"/>
        <source>Evidence in this assessment that is not yet linked here:</source>
        <translation>本评估中尚未关联到此处的证据：</translation>
    </message>
</context>
<context>
    <name>PortfolioDialog</name>
    <message>
        <location filename="../../ui/portfolio.py" line="57"/>
        <location filename="../../ui/portfolio.py" line="174"/>
        <source>Portfolio</source>
        <translation>评估组合</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="64"/>
        <source>No catalogue open</source>
        <translation>未打开目录</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="65"/>
        <source>Open catalogue…</source>
        <translation>打开目录…</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="70"/>
        <source>Filter: organization, project, unit, model…</source>
        <translation>筛选：组织、项目、业务单元、模型…</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="74"/>
        <source>Unit:</source>
        <translation>业务单元：</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="81"/>
        <location filename="../../ui/portfolio.py" line="252"/>
        <source>Assessments</source>
        <translation>评估</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="84"/>
        <source>Heat map</source>
        <translation>热力图</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="85"/>
        <source>Percentiles</source>
        <translation>百分位</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="89"/>
        <source>Frequent gaps</source>
        <translation>常见差距</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="102"/>
        <location filename="../../ui/portfolio.py" line="213"/>
        <source>Unit</source>
        <translation>业务单元</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="102"/>
        <source>Organization</source>
        <translation>组织</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="102"/>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="103"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="103"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="103"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="104"/>
        <location filename="../../ui/portfolio.py" line="252"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="104"/>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="104"/>
        <source>Gaps</source>
        <translation>差距</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="139"/>
        <location filename="../../ui/portfolio.py" line="150"/>
        <source>Open a catalogue</source>
        <translation>打开目录</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="140"/>
        <source>Catalogues (*.sqlite *.db);;All files (*)</source>
        <translation>目录 (*.sqlite *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="156"/>
        <source>All units</source>
        <translation>全部业务单元</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="159"/>
        <source>(no unit)</source>
        <translation>（无业务单元）</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="182"/>
        <source>%1 assessments of %2 projects; %3 projects meet their target; %4 open findings</source>
        <translation>%2 个项目的 %1 次评估；%3 个项目达到目标；%4 项未关闭的发现</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="227"/>
        <source>%1: %2 level %3</source>
        <translation>%1：%2 级别 %3</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="239"/>
        <source>The radar needs assessments of one model that this installation has.</source>
        <translation>雷达图需要同一模型的评估，且本机模型库中有该模型。</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="243"/>
        <source>25th, 50th and 75th percentile of each domain&apos;s level over the selected assessments</source>
        <translation>所选评估中各领域级别的第 25、50、75 百分位</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="252"/>
        <source>Requirement</source>
        <translation>要求</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="253"/>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="267"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
</context>
<context>
    <name>ProfileChoice</name>
    <message>
        <location filename="../../ui/report_actions.py" line="64"/>
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="66"/>
        <source>Full (internal)</source>
        <translation>完整版（内部使用）</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="67"/>
        <source>Everything: assessors, owners, notes and evidence details.</source>
        <translation>包含全部内容：评估师、负责人、备注和证据详情。</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="69"/>
        <source>Confidential (to share outside: no names, notes or evidence details)</source>
        <translation>脱敏版（对外分享：不含人名、备注和证据详情）</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="71"/>
        <source>Leaves out the assessors and every other named person, the rating notes, the team&apos;s comments and evidence texts, and evidence file names and descriptions. Ratings, levels, gaps and findings stay.
A name written inside an observation cannot be recognised and stays: read the observations before sharing.</source>
        <translation>去掉评估师及其他所有具名人员、评定说明、团队的备注和证据说明，以及证据的文件名和描述；评定、级别、差距和发现予以保留。
写在观察内容里的人名无法识别，会原样保留：分享前请通读观察内容。</translation>
    </message>
</context>
<context>
    <name>QuestionnaireOptionsDialog</name>
    <message>
        <location filename="../../ui/import_dialog.py" line="243"/>
        <source>Export a questionnaire</source>
        <translation>导出问卷</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="247"/>
        <source>Requirements up to</source>
        <translation>包含要求至</translation>
    </message>
    <message>
        <location filename="../../ui/import_dialog.py" line="248"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>ReportActions</name>
    <message>
        <location filename="../../ui/report_actions.py" line="346"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="361"/>
        <source>-confidential</source>
        <comment>suffix of a suggested file name</comment>
        <translation>-脱敏版</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="382"/>
        <source>Save the gap report</source>
        <translation>保存差距报告</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="380"/>
        <source>gap report</source>
        <comment>suggested file name</comment>
        <translation>差距报告</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="391"/>
        <source>Writing the gap report…</source>
        <translation>正在生成差距报告…</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="392"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="373"/>
        <source>Gap report</source>
        <translation>差距报告</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="351"/>
        <source>Word documents (*.docx)</source>
        <translation>Word 文档 (*.docx)</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="432"/>
        <source>A certificate is issued only for final results, and this assessment is not locked.

Review the ratings, then lock the assessment (File ▸ Lock the assessment) and try again.</source>
        <translation>证书只针对最终结果颁发，而本评估尚未锁定。

请先复核评定，再锁定评估（文件 ▸ 锁定评估），然后重试。</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="445"/>
        <location filename="../../ui/report_actions.py" line="462"/>
        <source>No certificate</source>
        <translation>无法生成证书</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="452"/>
        <source>Save the certificate</source>
        <translation>保存证书</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="453"/>
        <source>certificate</source>
        <comment>suggested file name</comment>
        <translation>证书</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="466"/>
        <location filename="../../ui/report_actions.py" line="470"/>
        <source>Certificate</source>
        <translation>证书</translation>
    </message>
    <message>
        <location filename="../../ui/report_actions.py" line="471"/>
        <source>Certificate %1 written (level %2, valid until %3).
Verification code: %4</source>
        <translation>已生成证书 %1（级别 %2，有效期至 %3）。
验证码：%4</translation>
    </message>
</context>
<context>
    <name>RequirementPane</name>
    <message>
        <location filename="../../ui/requirement_pane.py" line="149"/>
        <source>Choose a requirement in the tree on the left.</source>
        <translation>请在左侧树中选择一项要求。</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="182"/>
        <source>中文</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="182"/>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="191"/>
        <source>What to look for</source>
        <translation>查看要点</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="201"/>
        <source>Team&apos;s self-assessment claim</source>
        <translation>团队自评</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="208"/>
        <source>Assessor&apos;s rating</source>
        <translation>评估师评定</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="254"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="256"/>
        <source>Rate as %1 (key %2)</source>
        <translation>评定为 %1（按键 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="220"/>
        <source>Needs review</source>
        <translation>需复核</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="223"/>
        <source>N/A justification (required):</source>
        <translation>不适用理由（必填）：</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="225"/>
        <source>Why the requirement does not apply</source>
        <translation>该要求不适用的原因</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="229"/>
        <source>Note</source>
        <translation>评估说明</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="231"/>
        <source>What you saw; saved as you type</source>
        <translation>现场所见；输入时自动保存</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="268"/>
        <source>Findings</source>
        <translation>发现</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="272"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="272"/>
        <source>Observation</source>
        <translation>观察</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="272"/>
        <source>Recommendation</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="273"/>
        <location filename="../../ui/requirement_pane.py" line="418"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="273"/>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="281"/>
        <source>Add finding…</source>
        <translation>添加发现…</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="282"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="283"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="317"/>
        <source>The change was not saved</source>
        <translation>更改未保存</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="353"/>
        <source>Expected evidence: %1    Text: %2</source>
        <translation>预期证据：%1    文本：%2</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="379"/>
        <source>About the item</source>
        <translation>关于该能力项</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="379"/>
        <source>About the requirement</source>
        <translation>关于该要求</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="412"/>
        <source>No claim from the questionnaire.</source>
        <translation>问卷中没有自评。</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="417"/>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="417"/>
        <source>References</source>
        <translation>参考</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="418"/>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="423"/>
        <source>Differs from the assessor&apos;s rating (%1)</source>
        <translation>与评估师评定（%1）不一致</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="437"/>
        <source>Last cycle: %1</source>
        <translation>上一周期：%1</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="438"/>
        <source>Before the model changed (%2): %1</source>
        <translation>模型变更前（%2）：%1</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="443"/>
        <source>To re-confirm</source>
        <translation>待重新确认</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="455"/>
        <source>%1, set by %2 at %3</source>
        <translation>%1，由 %2 于 %3 评定</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="458"/>
        <source>Not rated yet.</source>
        <translation>尚未评定。</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="510"/>
        <source>%1 needs a justification</source>
        <translation>“%1”需要说明理由</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="555"/>
        <source>N/A needs a justification</source>
        <translation>不适用需要理由</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="511"/>
        <source>Why does %1 not apply?</source>
        <translation>%1 为什么不适用？</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="520"/>
        <source>Rate %1 %2</source>
        <translation>评定 %1 为 %2</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="531"/>
        <source>Needs review %1</source>
        <translation>%1 需复核</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="544"/>
        <source>Note on %1</source>
        <translation>%1 的评估说明</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="556"/>
        <source>The justification of an N/A rating cannot be empty; it was kept.</source>
        <translation>不适用评定的理由不能为空；已保留原理由。</translation>
    </message>
    <message>
        <location filename="../../ui/requirement_pane.py" line="559"/>
        <source>Justification of %1</source>
        <translation>%1 的不适用理由</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <location filename="../../ui/cycles.py" line="232"/>
        <source>Review evidence: %1</source>
        <translation>审核证据：%1</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="238"/>
        <source>Why it is rejected (needed to reject)</source>
        <translation>驳回原因（驳回时必填）</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="242"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="243"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="244"/>
        <source>Represents the state on</source>
        <translation>反映的日期</translation>
    </message>
    <message>
        <location filename="../../ui/cycles.py" line="245"/>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <location filename="../../ui/session.py" line="162"/>
        <location filename="../../ui/session.py" line="192"/>
        <source>note</source>
        <translation>评估说明</translation>
    </message>
    <message>
        <location filename="../../ui/session.py" line="163"/>
        <location filename="../../ui/session.py" line="193"/>
        <source>N/A justification</source>
        <translation>不适用理由</translation>
    </message>
    <message>
        <location filename="../../ui/session.py" line="169"/>
        <source>team&apos;s claim</source>
        <translation>团队自评</translation>
    </message>
    <message>
        <location filename="../../ui/session.py" line="172"/>
        <source>finding</source>
        <translation>发现</translation>
    </message>
    <message>
        <location filename="../../ui/session.py" line="175"/>
        <source>evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../ui/session.py" line="179"/>
        <source>interview</source>
        <translation>访谈</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="242"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="245"/>
        <source>Your name, as written into the audit log</source>
        <translation>您的姓名，将写入审计日志</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="251"/>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="252"/>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="253"/>
        <source>Chinese and English</source>
        <translation>中文和英文</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="256"/>
        <source>Assessor name</source>
        <translation>评估师姓名</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="257"/>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="258"/>
        <source>Model text</source>
        <translation>模型文本</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="259"/>
        <source>A change of the interface language takes effect when cdassess is restarted.</source>
        <translation>界面语言的更改在重新启动 cdassess 后生效。</translation>
    </message>
</context>
<context>
    <name>TeamDialog</name>
    <message>
        <location filename="../../ui/team_dialog.py" line="452"/>
        <source>Hand out copies</source>
        <translation>分发工作副本</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="455"/>
        <source>No assessor named: no copy was written.</source>
        <translation>未填写评估师：没有写出副本。</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="458"/>
        <source>Copies written:</source>
        <translation>已写出的副本：</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="464"/>
        <location filename="../../ui/team_dialog.py" line="478"/>
        <source>Merge copies</source>
        <translation>合并副本</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="466"/>
        <source>Assessments (*.cdassess)</source>
        <translation>评估文件 (*.cdassess)</translation>
    </message>
    <message>
        <location filename="../../ui/team_dialog.py" line="479"/>
        <source>Merged: %1 change(s) applied, %2 conflict(s) decided.</source>
        <translation>合并完成：应用了 %1 处修改，裁决了 %2 处冲突。</translation>
    </message>
</context>
<context>
    <name>TreeModel</name>
    <message>
        <location filename="../../ui/tree_model.py" line="237"/>
        <source>Capability</source>
        <translation>能力</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="238"/>
        <source>Rating / level</source>
        <translation>评定 / 级别</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="239"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="240"/>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="241"/>
        <source>Team&apos;s claim</source>
        <translation>团队自评</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="278"/>
        <source>Some of its evidence is expired or rejected</source>
        <translation>部分证据已过期或被驳回</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="280"/>
        <source>Search found it in: %1</source>
        <translation>搜索命中：%1</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="284"/>
        <source>To re-confirm; last cycle: %1</source>
        <translation>待重新确认；上一周期：%1</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="318"/>
        <source>L%1 of L%2</source>
        <translation>L%1 / 目标 L%2</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="355"/>
        <source>All requirements</source>
        <translation>全部要求</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="356"/>
        <source>Unrated</source>
        <translation>未评</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="357"/>
        <source>Not met</source>
        <translation>不满足</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="358"/>
        <source>Partially met</source>
        <translation>部分满足</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="359"/>
        <source>Needs review</source>
        <translation>需复核</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="360"/>
        <source>Claim differs from rating</source>
        <translation>自评与评定不一致</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="361"/>
        <source>Has no evidence</source>
        <translation>没有证据</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="362"/>
        <source>To re-confirm (last cycle)</source>
        <translation>待重新确认（上一周期）</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="363"/>
        <source>Evidence to review</source>
        <translation>待审核的证据</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="364"/>
        <source>Evidence expired or rejected</source>
        <translation>证据已过期或被驳回</translation>
    </message>
</context>
<context>
    <name>WhatIfDialog</name>
    <message>
        <location filename="../../ui/tools.py" line="65"/>
        <source>What if…</source>
        <translation>假设分析…</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="70"/>
        <source>Requirement</source>
        <translation>要求</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="70"/>
        <location filename="../../ui/tools.py" line="87"/>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="70"/>
        <location filename="../../ui/tools.py" line="87"/>
        <source>What if</source>
        <translation>假设</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="70"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="77"/>
        <source>(as now)</source>
        <translation>（保持当前）</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="87"/>
        <source>Domain</source>
        <translation>能力域</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="88"/>
        <source>Nothing is stored: close the window and the ratings are as they were.</source>
        <translation>不会保存任何内容：关闭窗口后评定保持原样。</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="93"/>
        <source>The gaps to the target; choose a hypothetical rating for any of them:</source>
        <translation>距目标的差距；可为任意一项选择假设的评定：</translation>
    </message>
    <message>
        <location filename="../../ui/tools.py" line="112"/>
        <source>Overall level now L%1; with these ratings L%2 (target L%3).</source>
        <translation>当前总体级别 L%1；按这些评定为 L%2（目标 L%3）。</translation>
    </message>
</context>
<context>
    <name>WorkshopView</name>
    <message>
        <location filename="../../ui/workshop.py" line="30"/>
        <source>cdassess workshop</source>
        <translation>cdassess 研讨会</translation>
    </message>
    <message>
        <location filename="../../ui/workshop.py" line="58"/>
        <source>PgDn / PgUp: next / previous · 1-4 rate · 0 clear · Esc: back to the window</source>
        <translation>PgDn / PgUp：下一项 / 上一项 · 1-4 评定 · 0 清除 · Esc：返回主窗口</translation>
    </message>
    <message>
        <location filename="../../ui/workshop.py" line="115"/>
        <source>Choose a requirement in the window.</source>
        <translation>请在主窗口中选择一项要求。</translation>
    </message>
    <message>
        <location filename="../../ui/workshop.py" line="122"/>
        <source>Level %1</source>
        <translation>级别 %1</translation>
    </message>
    <message>
        <location filename="../../ui/workshop.py" line="152"/>
        <source>Summary of the domain</source>
        <translation>能力域小结</translation>
    </message>
    <message>
        <location filename="../../ui/workshop.py" line="154"/>
        <source>Level L%1 of target L%2</source>
        <translation>L%1 / 目标 L%2</translation>
    </message>
    <message>
        <location filename="../../ui/workshop.py" line="155"/>
        <source>%1 gaps to the target</source>
        <translation>距目标有 %1 项差距</translation>
    </message>
    <message>
        <location filename="../../ui/workshop.py" line="158"/>
        <source>… and %1 more</source>
        <translation>…… 另有 %1 项</translation>
    </message>
</context>
</TS>
