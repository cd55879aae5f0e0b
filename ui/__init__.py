"""The Qt desktop shell of cdassess. Imports the engine (cdassess); the engine never imports this package.

How it fits together:

- ``session.AssessmentSession`` wraps the engine's ``Assessment``: every edit goes straight to a service
  (which commits it), the session updates its small cache (ratings, claims, evidence counts, the
  ``LevelReport`` from ``cdassess.scoring.compute_levels``) and emits what changed. Views repaint only that.
- ``tree_model.ModelTreeModel`` adapts the model's frozen objects (``UserRole`` returns the object);
  ``RequirementFilter`` is the filtered view of the same nodes (one Python pass per filter change, no
  QSortFilterProxyModel). No widget per requirement.
- ``requirement_pane``, ``evidence_pane`` and ``dashboard`` show the current requirement and the levels;
  ``main_window`` holds menus, navigation and files. Other modules plug into its menus lazily
  (``ui.import_dialog``, ``ui.report_actions``).
- ``commands``: every edit is pushed as a QUndoCommand that calls services (made before it is pushed, so a
  refused edit never enters the stack).
- ``workers``: background jobs open their own ``Assessment`` connection and report through signals relayed
  to the main thread; widgets are touched only there.
- ``messages``: every dialog that tells or asks the user something (the tests replace these functions).
- ``app.main`` loads the shipped CJK font, the translations (``resources/translations``) and the settings.
"""
