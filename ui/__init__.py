"""The Qt desktop shell of cdassess. Imports the engine (cdassess); the engine never imports this package."""
