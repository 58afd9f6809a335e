"""The intent classifier learns, persists without pickle, and predicts the same after loading."""

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from safe_harbour.nlu.tfidf_classifier import TfidfIntentClassifier
from safe_harbour.nlu.tokenizer import BilingualTokenizer

TOKENIZER = BilingualTokenizer(BilingualTokenizer.get_default_config())
EXAMPLES = {
    "remove_content": [
        "how do i get the photo taken down",
        "ازاي اشيل الصورة من الموقع",
        "kif a2dar ashil el sora",
        "get the picture removed from instagram",
        "كيف احذف الصورة",
    ],
    "report_police": [
        "should we go to the police",
        "هل اروح للشرطة",
        "lazem nroo7 3al shorta",
        "can the police help us",
        "ابلغ الشرطة ولا لا",
    ],
}


def tokenized(text, intent=None):
    message = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    message.set(TEXT_TOKENS, TOKENIZER.tokenize(message, TEXT))
    return message


def test_trains_persists_and_loads_the_same_model(tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("tfidf")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**TfidfIntentClassifier.get_default_config(), "char_min_df": 1}
    classifier = TfidfIntentClassifier.create(config, storage, resource, context)
    classifier.train(TrainingData([tokenized(t, i) for i, texts in EXAMPLES.items() for t in texts]))

    queries = ["the police, should we tell them", "بدي اشيل الصورة", "wen el shorta"]
    before = [m.get(INTENT)["name"] for m in classifier.process([tokenized(q) for q in queries])]
    assert before == ["report_police", "remove_content", "report_police"]

    loaded = TfidfIntentClassifier.load(config, storage, resource, context)
    after = loaded.process([tokenized(q) for q in queries])
    assert [m.get(INTENT)["name"] for m in after] == before
    ranking = after[0].get(INTENT_RANKING_KEY)
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6

    stored = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert stored == {"vocabularies.json", "weights.npz"}  # plain data, nothing pickled
