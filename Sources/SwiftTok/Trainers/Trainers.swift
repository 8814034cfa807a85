/// Namespace for the trainers, named as `tokenizers`' trainer classes (`Trainers.UnigramTrainer`).
public enum Trainers {}
