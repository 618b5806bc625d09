"""网页界面 (Gradio UI; renders service results only)."""
