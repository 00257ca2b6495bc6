"""What the Rasa server loads from this project: input channels that check what a browser,
a script or WeChat sends before Rasa sees it (rest, socketio, wechat with wechat_turns and
wechat_text), the guards that answer when the
action server cannot (action_guard) and fail loudly when the tracker store cannot
(tracker_guard), and an atomic Redis lock store for several servers
(lock_store)."""
