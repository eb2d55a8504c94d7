"""Entry point: ``streamlit run streamlit_app.py``.

Pages live in ``ui/`` (the router is ``ui/router.py``); all domain logic lives in ``assessor/``.
"""

from ui.router import main

main()
